using Chaos.Silo.Hosting;

var app = await SiloApplication.CreateAsync(args);
await app.RunAsync();
