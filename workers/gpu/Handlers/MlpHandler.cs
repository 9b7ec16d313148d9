using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Jobs.Mlp;
using Fleet.Worker.Gpu.Models;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Gpu.Handlers;

/// <summary><c>mlp</c>: runs a batch of rows through the worker's MLP with TorchSharp, on CUDA or the CPU.</summary>
[FleetFunction("mlp", Hardware = Hardware.Gpu, WorkersMin = 0, WorkersMax = 2, IdleTimeoutSeconds = 30,
    ScalerType = ScalerType.QueueDelay, ScalerValue = 4, ExecutionTimeoutMs = 60_000, MaxAttempts = 2, MinGpuMemoryMb = 0,
    CpuFallback = true, ConcurrencyPerWorker = 4)]
public sealed class MlpHandler(MlpModel model, IOptions<GpuOptions> options) : IJobHandler<MlpInput, MlpOutput>
{
    public Task<MlpOutput> HandleAsync(MlpInput input, JobContext context, CancellationToken cancellationToken)
    {
        int width = model.InputDim;
        float[] rows;
        if (input.Inputs is not null && input.InputsBase64 is not null)
        {
            throw new PermanentJobException("give inputs or inputs_b64, not both");
        }
        else if (input.Inputs is not null)
        {
            RequireBatchWithinLimit(input.Inputs.Length);
            rows = JobArrays.Flatten(input.Inputs, "inputs", out int given);
            if (given != width)
            {
                throw new PermanentJobException(
                    $"each row of inputs must have {width} values, the model's input width; inputs[0] has {given}");
            }
        }
        else if (input.InputsBase64 is not null)
        {
            rows = JobArrays.DecodeFloat32(input.InputsBase64, "inputs_b64");
            if (rows.Length % width != 0)
            {
                throw new PermanentJobException(
                    $"inputs_b64 holds {rows.Length} values, not a whole number of rows of {width} (the model's input width)");
            }

            RequireBatchWithinLimit(rows.Length / width);
        }
        else
        {
            throw new PermanentJobException($"inputs (batch × {width}) or inputs_b64 is required");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var outputs = model.Infer(rows, rows.Length / width);
        return Task.FromResult(new MlpOutput(JobArrays.ToRows(outputs, model.OutputDim, "outputs")));
    }

    private void RequireBatchWithinLimit(int batch)
    {
        int max = options.Value.MlpMaxBatch;
        if (batch > max)
        {
            throw new PermanentJobException($"inputs has {batch} rows: this worker takes batches of at most {max} (Gpu:MlpMaxBatch)");
        }
    }
}
