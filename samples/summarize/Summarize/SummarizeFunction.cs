using System.Text.Json;
using Fleet.Contracts.Endpoints;
using Fleet.Worker.Sdk;

namespace Summarize;

/// <summary>Summarises rows of records: counts, columns, means. Scales from zero to two workers of four jobs each.</summary>
[FleetFunction("summarize", WorkersMin = 0, WorkersMax = 2, IdleTimeoutSeconds = 30, ScalerType = ScalerType.RequestCount, ScalerValue = 8,
    ExecutionTimeoutMs = 60_000, MaxAttempts = 2, ConcurrencyPerWorker = 4)]
public sealed class SummarizeFunction : IJobHandler<SummarizeInput, SummarizeOutput>
{
    private const int ProgressEvery = 10_000;

    public async Task<SummarizeOutput> HandleAsync(SummarizeInput input, JobContext context, CancellationToken cancellationToken)
    {
        if (input.Rows.Count == 0)
        {
            throw new PermanentJobException("rows must hold at least one record");
        }

        var columns = new List<string>();
        var counts = new Dictionary<string, int>();
        var sums = new Dictionary<string, double>();
        var notNumeric = new HashSet<string>();
        for (var i = 0; i < input.Rows.Count; i++)
        {
            foreach (var (column, value) in input.Rows[i] ?? throw new PermanentJobException($"rows[{i}] must be an object"))
            {
                if (!counts.ContainsKey(column))
                {
                    columns.Add(column);
                    counts[column] = 0;
                }

                if (value.ValueKind == JsonValueKind.Null)
                {
                    continue;
                }

                counts[column]++;
                if (value.ValueKind == JsonValueKind.Number)
                {
                    sums[column] = sums.GetValueOrDefault(column) + value.GetDouble();
                }
                else
                {
                    notNumeric.Add(column);
                }
            }

            if ((i + 1) % ProgressEvery == 0)
            {
                var done = i + 1;
                await context.ReportProgressAsync($"{done} of {input.Rows.Count} rows", 100.0 * done / input.Rows.Count, cancellationToken);
            }
        }

        var means = columns.Where(c => counts[c] > 0 && !notNumeric.Contains(c)).ToDictionary(c => c, c => sums[c] / counts[c]);
        return new SummarizeOutput(input.Rows.Count, columns, counts, means);
    }
}
