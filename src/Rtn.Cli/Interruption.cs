using System.Runtime.InteropServices;

namespace Rtn.Cli;

/// <summary>
/// SIGINT (Ctrl-C) and SIGTERM as a cancellation: the running command stops between steps,
/// removes what it staged and exits with 128 + the signal's number (130, 143).
/// </summary>
internal sealed class Interruption : IDisposable
{
    private readonly CancellationTokenSource source = new();
    private readonly PosixSignalRegistration[] registrations;
    private int signal;
    private volatile bool observed;

    private Interruption(bool listen)
    {
        registrations = listen
            ? [PosixSignalRegistration.Create(PosixSignal.SIGINT, OnSignal), PosixSignalRegistration.Create(PosixSignal.SIGTERM, OnSignal)]
            : [];
    }

    /// <summary>
    /// The token a command passes to its work. From this call on, a signal cancels it rather than
    /// ending the process; commands that never call it end at once, as any process does.
    /// </summary>
    public CancellationToken Observe()
    {
        observed = true;
        return source.Token;
    }

    /// <summary>The signal that arrived, if any.</summary>
    public PosixSignal? Signal => signal == 0 ? null : (PosixSignal)signal;

    /// <summary>The exit code for the signal that arrived: 130 for SIGINT, 143 for SIGTERM.</summary>
    public int ExitCode => Signal == PosixSignal.SIGTERM ? ExitCodes.Terminated : ExitCodes.Interrupted;

    /// <summary>Cancels on SIGINT and SIGTERM sent to this process.</summary>
    public static Interruption ForProcess() => new(listen: true);

    /// <summary>Cancels only through <see cref="Raise"/> (in-process runs and tests).</summary>
    public static Interruption Manual() => new(listen: false);

    /// <summary>Cancels the work as if <paramref name="posixSignal"/> had arrived.</summary>
    public void Raise(PosixSignal posixSignal)
    {
        Interlocked.CompareExchange(ref signal, (int)posixSignal, 0);
        source.Cancel();
    }

    public void Dispose()
    {
        foreach (var registration in registrations)
        {
            registration.Dispose();
        }

        source.Dispose();
    }

    private void OnSignal(PosixSignalContext context)
    {
        if (!observed)
        {
            return;
        }

        // The process stays up so the command can remove its staged output, then exits itself.
        context.Cancel = true;
        Raise(context.Signal);
    }
}
