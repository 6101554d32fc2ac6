using Chaos.Api.Demo;
using Chaos.Api.Hosting;

var (demo, rest) = DemoMode.Parse(args);
var app = await ChaosApplication.CreateAsync(rest);
if (!demo)
{
    await app.RunAsync();
    return;
}

await app.StartAsync();
await DemoMode.SeedAsync(app, app.Lifetime.ApplicationStopping);
await app.WaitForShutdownAsync();
