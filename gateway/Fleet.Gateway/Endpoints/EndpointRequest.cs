using System.Text.Json;
using Fleet.Contracts;
using Fleet.Contracts.Endpoints;
using Fleet.Contracts.Functions;
using Fleet.ServiceDefaults;

namespace Fleet.Gateway.Endpoints;

/// <summary>
/// The body of a <c>/v1/endpoints</c> write, as given: every field optional (a PATCH names only what changes;
/// a create or PUT leaves the rest at its default). Names follow RunPod's REST API where it has the field
/// (<c>name</c>, <c>computeType</c>, <c>gpuCount</c>, <c>idleTimeout</c>, <c>env</c>, …). Fields of RunPod's that
/// mean nothing on one machine (<c>templateId</c>, <c>gpuTypeIds</c>, …) and those of an answer sent back
/// (<c>id</c>, <c>version</c>, timestamps) are accepted and ignored, so a RunPod body or an edited answer
/// works as is; any other field is refused by name, so a misspelt setting never silently keeps its default.
/// </summary>
public sealed class EndpointRequest
{
    /// <summary>Largest manifest entry kept with an endpoint (a function's schemas).</summary>
    public const int MaxManifestBytes = 256 * 1024;

    private static readonly HashSet<string> s_ignored = new(StringComparer.Ordinal)
    {
        "templateId", "template", "gpuTypeIds", "gpuIds", "dataCenterIds", "locations", "networkVolumeId", "flashboot", "flashBoot",
        "allowedCudaVersions", "cpuFlavorIds", "vcpuCount", "instanceIds", "userId", "workers", "version", "workerVersion",
        "createdAt", "updatedAt", "result", "startFailures",
    };

    public string? Name { get; private set; }

    public string? Handler { get; private set; }

    public Hardware? Hardware { get; private set; }

    public int? GpuCount { get; private set; }

    public int? WorkersMin { get; private set; }

    public int? WorkersMax { get; private set; }

    public int? IdleTimeout { get; private set; }

    public string? ScalerType { get; private set; }

    public int? ScalerValue { get; private set; }

    public int? ExecutionTimeoutMs { get; private set; }

    public int? MaxAttempts { get; private set; }

    public int? MinGpuMemoryMb { get; private set; }

    public bool? CpuFallback { get; private set; }

    public int? ConcurrencyPerWorker { get; private set; }

    public Dictionary<string, string>? Env { get; private set; }

    /// <summary>Given (possibly as null, which removes it) or not.</summary>
    public (bool Given, string? Value) Package { get; private set; }

    public (bool Given, string? Json) Manifest { get; private set; }

    /// <summary>Reads a body that passed <c>JsonTextCheck</c>; problems are added to <paramref name="errors"/> by field.</summary>
    public static EndpointRequest? Parse(ReadOnlySpan<byte> body, Dictionary<string, string[]> errors)
    {
        using var document = JsonDocument.Parse(body.ToArray());
        if (document.RootElement.ValueKind != JsonValueKind.Object)
        {
            errors["body"] = ["must be a JSON object."];
            return null;
        }

        var request = new EndpointRequest();
        string? id = null;
        foreach (var property in document.RootElement.EnumerateObject())
        {
            var value = property.Value;
            switch (property.Name)
            {
                case "name": request.Name = Text(value, "name", errors); break;
                case "id": id = Text(value, "id", errors); break;
                case "handler": request.Handler = Text(value, "handler", errors); break;
                case "computeType": request.Hardware = ComputeType(value, errors); break;
                case "gpuCount": request.GpuCount = Integer(value, "gpuCount", errors); break;
                case "workersMin": request.WorkersMin = Integer(value, "workersMin", errors); break;
                case "workersMax": request.WorkersMax = Integer(value, "workersMax", errors); break;
                case "idleTimeout": request.IdleTimeout = Integer(value, "idleTimeout", errors); break;
                case "scalerType": request.ScalerType = Text(value, "scalerType", errors); break;
                case "scalerValue": request.ScalerValue = Integer(value, "scalerValue", errors); break;
                case "executionTimeoutMs": request.ExecutionTimeoutMs = Integer(value, "executionTimeoutMs", errors); break;
                case "maxAttempts": request.MaxAttempts = Integer(value, "maxAttempts", errors); break;
                case "minGpuMemoryMb": request.MinGpuMemoryMb = Integer(value, "minGpuMemoryMb", errors); break;
                case "cpuFallback": request.CpuFallback = Boolean(value, "cpuFallback", errors); break;
                case "concurrencyPerWorker": request.ConcurrencyPerWorker = Integer(value, "concurrencyPerWorker", errors); break;
                case "env": request.Env = ReadEnv(value, errors); break;
                case "package":
                    request.Package = (true, value.ValueKind == JsonValueKind.Null ? null : Text(value, "package", errors));
                    break;
                case "manifest": request.Manifest = (true, ReadManifest(value, errors)); break;
                case var ignored when s_ignored.Contains(ignored): break;
                default: errors[Shorten(property.Name)] = ["is not a field of an endpoint."]; break;
            }
        }

        // An answer sent back names the endpoint as "id" too; both must agree.
        if (id is not null && request.Name is not null && id != request.Name)
        {
            errors["id"] = ["must equal name when both are given."];
        }

        request.Name ??= id;
        return errors.Count == 0 ? request : null;
    }

    /// <summary>
    /// The definition this request makes of <paramref name="basis"/>: for a create or PUT a fresh definition
    /// with the endpoint's id (what is not given takes its default), for a PATCH the current one.
    /// </summary>
    public EndpointDefinition ApplyTo(EndpointDefinition basis) => basis with
    {
        Handler = Handler ?? (basis.Handler.Length > 0 ? basis.Handler : (Package.Value is not null ? basis.Id : "")),
        Hardware = Hardware ?? basis.Hardware,
        WorkersMin = WorkersMin ?? basis.WorkersMin,
        WorkersMax = WorkersMax ?? basis.WorkersMax,
        IdleTimeoutSeconds = IdleTimeout ?? basis.IdleTimeoutSeconds,
        ScalerType = ScalerType ?? basis.ScalerType,
        ScalerValue = ScalerValue ?? basis.ScalerValue,
        ExecutionTimeoutMs = ExecutionTimeoutMs ?? basis.ExecutionTimeoutMs,
        MaxAttempts = MaxAttempts ?? basis.MaxAttempts,
        MinGpuMemoryMb = MinGpuMemoryMb ?? basis.MinGpuMemoryMb,
        CpuFallback = CpuFallback ?? basis.CpuFallback,
        ConcurrencyPerWorker = ConcurrencyPerWorker ?? basis.ConcurrencyPerWorker,
        Env = Env ?? basis.Env,
        Package = Package.Given ? Package.Value : basis.Package,
    };

    private static string? Text(JsonElement value, string field, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.String)
        {
            return value.GetString();
        }

        errors[field] = ["must be a string."];
        return null;
    }

    private static int? Integer(JsonElement value, string field, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number))
        {
            return number;
        }

        errors[field] = [$"must be a whole number between {int.MinValue} and {int.MaxValue} (the field's own limits apply next)."];
        return null;
    }

    private static bool? Boolean(JsonElement value, string field, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind is JsonValueKind.True or JsonValueKind.False)
        {
            return value.GetBoolean();
        }

        errors[field] = ["must be true or false."];
        return null;
    }

    private static Hardware? ComputeType(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.String && ComputeTypes.TryParse(value.GetString()!, out var hardware))
        {
            return hardware;
        }

        errors["computeType"] = [$"must be {ComputeTypes.Cpu} or {ComputeTypes.Gpu}."];
        return null;
    }

    private static Dictionary<string, string>? ReadEnv(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind != JsonValueKind.Object)
        {
            errors["env"] = ["must be an object of variable names to string values."];
            return null;
        }

        var env = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var variable in value.EnumerateObject())
        {
            if (variable.Value.ValueKind != JsonValueKind.String)
            {
                errors[$"env.{Shorten(variable.Name)}"] = ["must be a string."];
            }
            else if (!env.TryAdd(variable.Name, variable.Value.GetString()!))
            {
                errors[$"env.{Shorten(variable.Name)}"] = ["is given twice."];
            }
        }

        return env;
    }

    private static string? ReadManifest(JsonElement value, Dictionary<string, string[]> errors)
    {
        if (value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        var text = value.GetRawText();
        if (value.ValueKind != JsonValueKind.Object || text.Length > MaxManifestBytes)
        {
            errors["manifest"] = [$"must be an object (a function's manifest entry) of at most {MaxManifestBytes} bytes."];
            return null;
        }

        return text;
    }

    private static string Shorten(string name) => name.Length <= 64 ? name : name[..64] + "…";
}
