using System.ComponentModel;
using Spectre.Console;
using Spectre.Console.Cli;

namespace Fleet.Cli.Deploy;

/// <summary>
/// <c>fleet deploy PATH [--dry-run]</c>: publishes the function project at PATH, reads its manifest,
/// zips the publish folder into one content-addressed package, uploads it and creates or updates
/// each declared function's endpoint. Results on stdout, progress on stderr.
/// </summary>
public sealed class DeployCommand : AsyncCommand<DeployCommand.Settings>
{
    public sealed class Settings : GatewaySettings
    {
        [CommandArgument(0, "<PATH>")]
        [Description("The function project: its folder or its .csproj.")]
        public string Project { get; init; } = "";

        [CommandOption("--dry-run")]
        [Description("Publish, read the manifest and make the package; print what would be deployed, and stop.")]
        public bool DryRun { get; init; }

        [CommandOption("-o|--output <FILE>")]
        [Description("Also write the package (the zip) to FILE.")]
        public string? Output { get; init; }
    }

    public override async Task<int> ExecuteAsync(CommandContext context, Settings settings, CancellationToken cancellationToken)
    {
        var apiKey = settings.DryRun ? null : settings.ResolveApiKey()
            ?? throw new DeployException("Deploying needs an admin API key: --api-key, FLEET_API_KEY or .fleet/run/api-key.");
        var work = Directory.CreateTempSubdirectory("fleet-deploy-");
        try
        {
            CliOutput.Messages.WriteLine($"publishing {settings.Project} (dotnet publish -c Release)");
            var publish = Path.Combine(work.FullName, "publish");
            var published = await ProjectPublisher.PublishAsync(settings.Project, publish, cancellationToken);
            var package = PackageArchive.Create(published.Directory, Path.Combine(work.FullName, "package.zip"));
            if (settings.Output is { } output)
            {
                File.Copy(package.Path, output, overwrite: true);
            }

            var manifest = published.Manifest;
            Console.Out.WriteLine($"package sha256:{package.Sha256} {package.Size} bytes, {package.Files} files, "
                + $"entry {manifest.EntryPoint}, Fleet SDK {manifest.SdkVersion}");
            var endpoints = manifest.Functions.Select(f => EndpointDeployments.For(f, package.Sha256)).ToList();
            if (settings.DryRun)
            {
                foreach (var endpoint in endpoints)
                {
                    Console.Out.WriteLine($"{endpoint.Name}: would create or update ({EndpointDeployments.Describe(endpoint)})");
                }

                CliOutput.Messages.WriteLine("dry run: nothing uploaded, no endpoint changed");
                return 0;
            }

            using var client = new DeployClient(settings.GatewayAddress(), apiKey!);
            await CliOutput.Messages.Progress()
                .Columns(new TaskDescriptionColumn(), new ProgressBarColumn(), new PercentageColumn(), new TransferSpeedColumn(),
                    new SpinnerColumn())
                .StartAsync(async progress =>
                {
                    var bar = progress.AddTask($"upload {package.Size / 1024.0 / 1024.0:0.0} MB", maxValue: package.Size);
                    await client.UploadAsync(package, read => bar.Increment(read), cancellationToken);
                });
            Console.Out.WriteLine($"package sha256:{package.Sha256} stored");
            foreach (var endpoint in endpoints)
            {
                var result = await client.PutEndpointAsync(endpoint, cancellationToken);
                Console.Out.WriteLine($"{endpoint.Name}: {result.Result}{(result.Version is { } version ? $" (version {version})" : "")}");
            }

            return 0;
        }
        finally
        {
            work.Delete(recursive: true);
        }
    }
}
