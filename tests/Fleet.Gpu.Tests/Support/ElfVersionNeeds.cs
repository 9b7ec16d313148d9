using System.Buffers.Binary;
using System.Text;

namespace Fleet.Gpu.Tests.Support;

/// <summary>
/// Reads the version requirements (<c>.gnu.version_r</c>) of a 64-bit little-endian ELF library:
/// which versions it asks of which library, and their flags. A reader of its own, apart from the
/// build's patcher, so the test does not take the patcher's word for what it did.
/// </summary>
public static class ElfVersionNeeds
{
    public const ushort WeakFlag = 0x2;

    public static IReadOnlyList<(string File, string Version, ushort Flags)> Read(string path)
    {
        var elf = File.ReadAllBytes(path);
        var result = new List<(string, string, ushort)>();
        long shoff = (long)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan(0x28));
        int shentsize = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3A));
        int shnum = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(0x3C));
        for (int s = 0; s < shnum; s++)
        {
            var header = elf.AsSpan((int)(shoff + (s * shentsize)));
            if (BinaryPrimitives.ReadUInt32LittleEndian(header[4..]) != 0x6ffffffe)
            {
                continue;
            }

            int offset = (int)BinaryPrimitives.ReadUInt64LittleEndian(header[0x18..]);
            int link = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x28..]);
            int count = (int)BinaryPrimitives.ReadUInt32LittleEndian(header[0x2C..]);
            int strings = (int)BinaryPrimitives.ReadUInt64LittleEndian(elf.AsSpan((int)(shoff + (link * shentsize)) + 0x18));

            int need = offset;
            for (int n = 0; n < count; n++)
            {
                int auxCount = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(need + 2));
                string file = Text(elf, strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 4)));
                int aux = need + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 8));
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = BinaryPrimitives.ReadUInt16LittleEndian(elf.AsSpan(aux + 4));
                    string version = Text(elf, strings + (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 8)));
                    result.Add((file, version, flags));
                    aux += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(aux + 12));
                }

                need += (int)BinaryPrimitives.ReadUInt32LittleEndian(elf.AsSpan(need + 12));
            }
        }

        return result;
    }

    /// <summary>Whether the libstdc++ this process loaded defines <paramref name="version"/>.</summary>
    public static bool HostLibStdCxxDefines(string version)
    {
        var path = File.ReadLines("/proc/self/maps")
            .Select(line => line[Math.Max(0, line.IndexOf('/', StringComparison.Ordinal))..].Trim())
            .FirstOrDefault(p => p.EndsWith("/libstdc++.so.6", StringComparison.Ordinal) || p.Contains("/libstdc++.so.6.", StringComparison.Ordinal))
            ?? throw new InvalidOperationException("this process has no libstdc++.so.6 loaded");
        var needle = Encoding.ASCII.GetBytes("\0" + version + "\0");
        return File.ReadAllBytes(path).AsSpan().IndexOf(needle) >= 0;
    }

    private static string Text(byte[] data, int at) =>
        Encoding.ASCII.GetString(data, at, Array.IndexOf(data, (byte)0, at) - at);
}
