using System.Collections.Concurrent;
using System.Diagnostics;

namespace Fleet.IntegrationTests.Infrastructure;

/// <summary>A real Fleet process (gateway or worker) whose output the tests can read.</summary>
public sealed class FleetProcess : IDisposable
{
    private readonly Process _process;
    private readonly ConcurrentQueue<string> _output = new();

    private FleetProcess(string name, Process process)
    {
        Name = name;
        _process = process;
        _process.OutputDataReceived += (_, e) => Keep(e.Data);
        _process.ErrorDataReceived += (_, e) => Keep(e.Data);
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
    }

    public string Name { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The operating system's id of the process (for /proc readings such as its memory).</summary>
    public int Pid => _process.Id;

    /// <summary>Resident memory now, in MB, from /proc/{pid}/status.</summary>
    public long ResidentMegabytes()
    {
        var line = File.ReadLines($"/proc/{Pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal));
        return long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1]) / 1024;
    }

    /// <summary>The exit code, once <see cref="HasExited"/>.</summary>
    public int ExitCode => _process.ExitCode;

    public IReadOnlyCollection<string> Output => _output;

    public static FleetProcess Start(string name, string dll, IReadOnlyDictionary<string, string> environment)
    {
        var start = new ProcessStartInfo("dotnet", [dll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = Path.GetDirectoryName(dll)!,
        };
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }

        return new FleetProcess(name, Process.Start(start)!);
    }

    /// <summary>The last lines of output, to explain a failing test.</summary>
    public string Tail(int lines = 40) => $"--- {Name} ---\n" + string.Join('\n', _output.TakeLast(lines));

    /// <summary>SIGKILL: the process gets no chance to clean up, as in a crash.</summary>
    public void Kill()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGKILL to this process alone: the processes it started live on, as after an OOM kill.</summary>
    public void KillAlone()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: false);
            _process.WaitForExit(10_000);
        }
    }

    /// <summary>SIGSTOP: the process stops dead, sockets open, as a hung or partitioned worker would.</summary>
    public void Freeze() => Signal("-STOP");

    /// <summary>SIGCONT: a frozen process goes on as if nothing happened.</summary>
    public void Thaw() => Signal("-CONT");

    private void Signal(string signal)
    {
        using var kill = Process.Start("kill", [signal, _process.Id.ToString()]);
        kill.WaitForExit();
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited within the grace period.</summary>
    public void Stop(TimeSpan grace)
    {
        if (_process.HasExited)
        {
            return;
        }

        Signal("-TERM");

        if (!_process.WaitForExit(grace))
        {
            Kill();
        }
    }

    public void Dispose()
    {
        Kill();
        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _output.Enqueue(line);
        while (_output.Count > 5000)
        {
            _output.TryDequeue(out _);
        }
    }
}
