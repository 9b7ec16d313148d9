namespace Fleet.Worker.Sdk;

/// <summary>
/// A job kind's code. The input type carries <c>[HandlerInput("name")]</c>, which names the handler;
/// the worker deserializes the job's input into it and serializes the returned output.
/// Throw <see cref="PermanentJobException"/> for input that can never succeed; any other exception
/// fails the attempt with its message recorded on the job.
/// </summary>
public interface IJobHandler<in TInput, TOutput>
{
    Task<TOutput> HandleAsync(TInput input, JobContext context, CancellationToken cancellationToken);
}
