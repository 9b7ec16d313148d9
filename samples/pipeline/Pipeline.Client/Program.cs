using System.Diagnostics;
using Fleet.Client;
using Pipeline.Contracts;

// Runs the pipeline on a fleet where Pipeline.Functions is deployed (fleet deploy samples/pipeline/Pipeline.Functions):
//   FLEET_API_KEY=... dotnet run --project samples/pipeline/Pipeline.Client -- [gateway URL]
// The stages run in sequence (each awaits the one before); the chunks of a stage run in parallel.
const int Samples = 4000, Width = 8, Training = 3000, ChunkSize = 250;

using var cancel = new CancellationTokenSource();
Console.CancelKeyPress += (_, e) => { e.Cancel = true; cancel.Cancel(); };
var fleet = FleetClient.Create(o =>
{
    o.BaseAddress = new Uri(args.FirstOrDefault() ?? Environment.GetEnvironmentVariable("FLEET_GATEWAY_URL") ?? "http://127.0.0.1:8080");
    o.ApiKey = Environment.GetEnvironmentVariable("FLEET_API_KEY");
});
var extract = fleet.Endpoint<FeaturesInput, FeaturesOutput>("extract-features");
var train = fleet.Endpoint<TrainInput, ClassifierModel>("train-classifier");
var apply = fleet.Endpoint<ApplyInput, ApplyOutput>("apply-classifier");
var (samples, labels) = SampleData.TwoClouds(Samples, Width, seed: 1);
var clock = Stopwatch.StartNew();

// Stage 1, GPU: features of every sample, one job per chunk, all at once.
var extracted = await Task.WhenAll(samples.Chunk(ChunkSize)
    .Select(chunk => extract.RunSyncAsync(new FeaturesInput(chunk), cancellationToken: cancel.Token)));
var features = extracted.SelectMany(e => e.Features).ToArray();
var devices = string.Join(", ", extracted.Select(e => e.Device).Distinct());
Console.WriteLine($"features: {features.Length} rows in {extracted.Length} jobs on {devices} ({clock.Elapsed.TotalSeconds:0.0} s)");

// Stage 2, CPU: one training job on the training rows.
var model = await train.RunSyncAsync(new TrainInput(features[..Training], labels[..Training]), cancellationToken: cancel.Token);
Console.WriteLine($"model: {model.Classes.Length} classes ({clock.Elapsed.TotalSeconds:0.0} s)");

// Stage 3, CPU: labels of the held-out rows, one job per chunk, all at once.
var applied = await Task.WhenAll(features[Training..].Chunk(ChunkSize)
    .Select(chunk => apply.RunSyncAsync(new ApplyInput(model, chunk), cancellationToken: cancel.Token)));
var predicted = applied.SelectMany(a => a.Labels).ToArray();
var correct = predicted.Where((label, i) => label == labels[Training + i]).Count();
var percent = 100.0 * correct / predicted.Length;
Console.WriteLine($"accuracy: {correct} of {predicted.Length} ({percent:0.0} %), {clock.Elapsed.TotalSeconds:0.0} s");
return correct * 10 >= predicted.Length * 9 ? 0 : 1;
