using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Jobs.Matmul;
using Fleet.Worker.Gpu.Kernels;
using Fleet.Worker.Sdk;
using Microsoft.Extensions.Options;

namespace Fleet.Worker.Gpu.Handlers;

/// <summary><c>matmul</c>: C = A·B with the tiled ILGPU kernel, on CUDA or the CPU.</summary>
[FleetFunction("matmul", Hardware = Hardware.Gpu, WorkersMin = 0, WorkersMax = 2, IdleTimeoutSeconds = 30,
    ScalerType = ScalerType.RequestCount, ScalerValue = 8, ExecutionTimeoutMs = 120_000, MaxAttempts = 1, CpuFallback = true,
    ConcurrencyPerWorker = 2)]
public sealed class MatmulHandler(MatmulKernel kernel, IOptions<GpuOptions> options) : IJobHandler<MatmulInput, MatmulOutput>
{
    public Task<MatmulOutput> HandleAsync(MatmulInput input, JobContext context, CancellationToken cancellationToken)
    {
        int maxDim = options.Value.MatmulMaxDim;
        var (a, m, k) = Read(input.A, input.ABase64, input.AShape, "a", maxDim);
        var (b, kB, n) = Read(input.B, input.BBase64, input.BShape, "b", maxDim);
        if (k != kB)
        {
            throw new PermanentJobException($"a is {m}×{k} and b is {kB}×{n}: a's columns ({k}) must equal b's rows ({kB})");
        }

        cancellationToken.ThrowIfCancellationRequested();
        var c = kernel.Multiply(a, b, m, k, n);
        return Task.FromResult(new MatmulOutput(JobArrays.ToRows(c, n, "c")));
    }

    private static (float[] Values, int Rows, int Columns) Read(float[][]? rows, string? base64, int[]? shape, string field, int maxDim)
    {
        string base64Field = field + "_b64";
        string shapeField = field + "_shape";
        if (rows is not null && (base64 is not null || shape is not null))
        {
            throw new PermanentJobException($"give {field} or {base64Field} with {shapeField}, not both");
        }

        if (rows is not null)
        {
            RequireWithinLimit(field, rows.Length, rows.Length > 0 ? rows[0]?.Length ?? 0 : 0, maxDim);
            var flat = JobArrays.Flatten(rows, field, out int width);
            return (flat, rows.Length, width);
        }

        if (base64 is null || shape is null)
        {
            throw new PermanentJobException($"{field} is required, as JSON rows or as {base64Field} with {shapeField}: [rows, columns]");
        }

        if (shape.Length != 2 || shape[0] < 1 || shape[1] < 1)
        {
            throw new PermanentJobException($"{shapeField} must be [rows, columns], both at least 1");
        }

        RequireWithinLimit(field, shape[0], shape[1], maxDim);
        var values = JobArrays.DecodeFloat32(base64, base64Field);
        if (values.Length != (long)shape[0] * shape[1])
        {
            throw new PermanentJobException(
                $"{base64Field} holds {values.Length} values; {shapeField} [{shape[0]}, {shape[1]}] needs {(long)shape[0] * shape[1]}");
        }

        return (values, shape[0], shape[1]);
    }

    private static void RequireWithinLimit(string field, int rows, int columns, int maxDim)
    {
        if (rows > maxDim || columns > maxDim)
        {
            throw new PermanentJobException(
                $"{field} is {rows}×{columns}: this worker multiplies matrices of at most {maxDim} rows and columns (Gpu:MatmulMaxDim)");
        }
    }
}
