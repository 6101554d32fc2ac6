using Microsoft.Extensions.DependencyInjection;
using System.Net;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Orleans.Configuration;
using Orleans.Hosting;
using Orleans.Runtime;

namespace Chaos.RelayBench;

/// <summary>
/// Two silos in this process (A, the primary, and B), localhost clustering on loopback, in-memory storage; both share
/// one <see cref="Recorder"/>.
/// </summary>
public sealed class BenchCluster : IAsyncDisposable
{
    private BenchCluster(IHost a, IHost b)
    {
        SiloA = a;
        SiloB = b;
    }

    public IHost SiloA { get; }

    public IHost SiloB { get; }

    public IGrainFactory GrainsA => SiloA.Services.GetRequiredService<IGrainFactory>();

    public IGrainFactory GrainsB => SiloB.Services.GetRequiredService<IGrainFactory>();

    public string AddressA => SiloA.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    public string AddressB => SiloB.Services.GetRequiredService<ILocalSiloDetails>().SiloAddress.ToString();

    public static async Task<BenchCluster> StartAsync(BenchOptions options, Recorder recorder)
    {
        var primary = new IPEndPoint(IPAddress.Loopback, options.BasePort);
        var a = Build(options, recorder, 0, primary);
        await a.StartAsync();
        var b = Build(options, recorder, 1, primary);
        await b.StartAsync();
        var cluster = new BenchCluster(a, b);
        var management = cluster.GrainsA.GetGrain<IManagementGrain>(0);
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while ((await management.GetHosts(onlyActive: true)).Count < 2)
        {
            await Task.Delay(100, deadline.Token);
        }

        return cluster;
    }

    private static IHost Build(BenchOptions options, Recorder recorder, int index, IPEndPoint primary) =>
        new HostBuilder()
            .ConfigureLogging(logging => logging.AddSimpleConsole().SetMinimumLevel(LogLevel.Warning))
            .UseOrleans(silo =>
            {
                silo.UseLocalhostClustering(
                    siloPort: options.BasePort + index,
                    gatewayPort: options.BasePort + 19000 + index,
                    primarySiloEndpoint: primary);
                silo.Configure<EndpointOptions>(o => o.AdvertisedIPAddress = IPAddress.Loopback);
                silo.AddMemoryGrainStorage("PubSubStore");
                silo.AddBroadcastChannel(BenchNames.ChannelProvider, o => o.FireAndForgetDelivery = true);
                if (options.Mechanism == BenchMechanism.Stream)
                {
                    silo.AddMemoryStreams(BenchNames.StreamProvider, streams => streams.ConfigurePullingAgent(agent =>
                        agent.Configure(o => o.GetQueueMsgsTimerPeriod = TimeSpan.FromMilliseconds(options.PullMilliseconds))));
                }

                silo.Services.AddSingleton(recorder);
            })
            .Build();

    public async ValueTask DisposeAsync()
    {
        using var stop = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        await SiloB.StopAsync(stop.Token);
        await SiloA.StopAsync(stop.Token);
        SiloB.Dispose();
        SiloA.Dispose();
    }
}
