using Chaos.Email;
using Chaos.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Chaos.Support;

/// <summary>The support desk's services in every process kind: its options, metrics and the e-mail outbox.</summary>
public static class SupportServiceCollectionExtensions
{
    public static IServiceCollection AddChaosSupport(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaosOptions<SupportOptions>(configuration, SupportOptions.Section);
        services.AddChaosOptions<EmailOptions>(configuration, EmailOptions.Section);
        services.TryAddSingleton<SupportMetrics>();
        if (services.All(d => d.ServiceType != typeof(SmtpMailOutbox)))
        {
            services.AddSingleton<SmtpMailOutbox>();
            services.AddSingleton<IMailOutbox>(sp => sp.GetRequiredService<SmtpMailOutbox>());
            services.AddHostedService(sp => sp.GetRequiredService<SmtpMailOutbox>());
        }

        return services;
    }
}
