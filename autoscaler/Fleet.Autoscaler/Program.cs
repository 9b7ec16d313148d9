using Fleet.Autoscaler;
using Fleet.Autoscaler.Kubernetes;

if (args is ["k8s", .. var k8sArgs])
{
    return await KubernetesCommand.RunAsync(k8sArgs);
}

var builder = WebApplication.CreateBuilder(new WebApplicationOptions { Args = args, ContentRootPath = AppContext.BaseDirectory });
builder.AddFleetAutoscaler();

var app = builder.Build();
app.MapAutoscalerApi();
app.Run();
return 0;
