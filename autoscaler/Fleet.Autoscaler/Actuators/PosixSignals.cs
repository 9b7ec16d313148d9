using System.Runtime.InteropServices;

namespace Fleet.Autoscaler.Actuators;

/// <summary>
/// SIGTERM for a worker process: .NET's <c>Process.Kill</c> only sends SIGKILL, which would
/// interrupt the worker's jobs; SIGTERM makes it drain.
/// </summary>
internal static class PosixSignals
{
    private const int SigTerm = 15;

    /// <returns>false when the process no longer exists.</returns>
    public static bool Terminate(int processId) => Kill(processId, SigTerm) == 0;

    // DllImport, not LibraryImport: the signature is blittable, so no unsafe code is needed.
    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
