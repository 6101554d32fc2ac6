using Chaos.Accounts;
using Chaos.Presence;
using Chaos.RateLimits;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Chaos.Hosting;

/// <summary>
/// The one place CHAOS reads its <c>Chaos:*</c> configuration. Every section binds to its own options class and is
/// validated by that class's data annotations (and <see cref="System.ComponentModel.DataAnnotations.IValidatableObject"/>
/// for rules across keys) when the host starts, so a bad value stops start-up with a message naming the key.
/// </summary>
public static class ChaosConfiguration
{
    /// <summary>Binds <typeparamref name="T"/> to <paramref name="section"/> and validates it when the host starts.</summary>
    public static OptionsBuilder<T> AddChaosOptions<T>(this IServiceCollection services, IConfiguration configuration, string section)
        where T : class
    {
        ArgumentNullException.ThrowIfNull(configuration);
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<T>>(new ChaosOptionsValidator<T>(section)));
        return services.AddOptions<T>().Bind(configuration.GetSection(section)).ValidateOnStart();
    }

    /// <summary>
    /// For wiring decided before the container exists (ports, stream queues, the JWT key): the same binding and the
    /// same validation as <see cref="AddChaosOptions{T}"/>, at once. Such sections are registered too, so a component
    /// that needs them later asks for <c>IOptions&lt;T&gt;</c> like any other.
    /// </summary>
    /// <exception cref="OptionsValidationException">The section holds an invalid value.</exception>
    public static T Read<T>(IConfiguration configuration, string section)
        where T : class, new()
    {
        ArgumentNullException.ThrowIfNull(configuration);
        var options = new T();
        configuration.GetSection(section).Bind(options);
        var result = new ChaosOptionsValidator<T>(section).Validate(Options.DefaultName, options);
        return result.Failed ? throw new OptionsValidationException(Options.DefaultName, typeof(T), result.Failures) : options;
    }

    /// <summary>
    /// Called before a host builder is created. A host watches its configuration files (<c>appsettings*.json</c>) for
    /// changes under its content root, which is the current directory; on Linux that watcher covers the whole tree below
    /// it, one inotify watch per directory (29,327 for a front door started from <c>/</c>, every folder of
    /// <c>node_modules</c> when started from the repository) and a wake-up of the process for every change anywhere in
    /// it. Polling looks at the configuration files alone, every 4 s, and still reloads them
    /// (docs/operations.md#configuration). An explicit <c>DOTNET_USE_POLLING_FILE_WATCHER</c> wins.
    /// </summary>
    public static void PollConfigurationFiles()
    {
        const string Variable = "DOTNET_USE_POLLING_FILE_WATCHER";
        if (Environment.GetEnvironmentVariable(Variable) is null)
        {
            Environment.SetEnvironmentVariable(Variable, "true");
        }
    }

    /// <summary>
    /// The sections every CHAOS process reads, silo or front door (<c>Chaos:Messages</c> is registered with the message
    /// storage it configures; the front door adds its own sections).
    /// </summary>
    public static IServiceCollection AddChaosCoreOptions(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaosOptions<ChaosOptions>(configuration, ChaosOptions.Section);
        services.AddChaosOptions<ChaosStreamsOptions>(configuration, ChaosStreamsOptions.Section);
        services.AddChaosOptions<PasswordHashingOptions>(configuration, PasswordHashingOptions.Section);
        services.AddChaosOptions<RateLimitOptions>(configuration, RateLimitOptions.Section);
        services.AddChaosOptions<PresenceOptions>(configuration, PresenceOptions.Section);
        return services;
    }
}
