using Spectre.Console.Cli;

namespace Fleet.Cli.Endpoints;

/// <summary>
/// <c>fleet endpoints reset NAME</c>: forgets its start failures, so a failing endpoint takes jobs again and its workers are
/// started again (after fixing what stopped them outside the code: a missing file, a wrong setting).
/// </summary>
public sealed class EndpointsResetCommand : AsyncCommand<NamedEndpointSettings>
{
    public override async Task<int> ExecuteAsync(
        CommandContext context, NamedEndpointSettings settings, CancellationToken cancellationToken)
    {
        await settings.CreateManagement().ResetEndpointAsync(settings.Name, cancellationToken);
        Console.Out.WriteLine($"{settings.Name}: reset (its start failures are forgotten; its workers are started again)");
        return 0;
    }
}
