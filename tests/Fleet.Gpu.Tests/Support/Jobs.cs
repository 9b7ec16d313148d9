using System.Runtime.InteropServices;
using Fleet.Worker.Sdk;

namespace Fleet.Gpu.Tests.Support;

/// <summary>What a handler test hands a handler besides its input.</summary>
public static class Jobs
{
    public static JobContext Context() => new(Guid.NewGuid(), "test", attempt: 1, workerId: "gpu-test", device: "cpu");

    /// <summary>Little-endian float32, as a client sends <c>x_b64</c>.</summary>
    public static string Base64(params float[] values)
    {
        if (!BitConverter.IsLittleEndian)
        {
            throw new PlatformNotSupportedException("the tests build base64 float32 on little-endian machines only");
        }

        return Convert.ToBase64String(MemoryMarshal.AsBytes(values.AsSpan()));
    }
}
