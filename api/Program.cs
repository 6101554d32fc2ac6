using Chaos.Api.Hosting;

var app = await ChaosApplication.CreateAsync(args);
await app.RunAsync();
