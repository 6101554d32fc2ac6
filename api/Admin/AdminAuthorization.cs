using Microsoft.IdentityModel.JsonWebTokens;
using Chaos.Hosting;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Orleans.Dashboard;

namespace Chaos.Api.Admin;

/// <summary>
/// Who is an administrator (<see cref="AdminOptions"/>): a Basic login with the admin token, or a user whose id is in
/// <c>Chaos:Admin:Users</c> presenting their access token. Anyone else: 401 without credentials, 403 with a user's.
/// </summary>
public static class AdminAuthorization
{
    public const string Policy = "ChaosAdmin";

    /// <summary>Claim the Basic handler adds to an administrator's principal.</summary>
    public const string AdminClaim = "chaos_admin";

    /// <summary>Where the Orleans dashboard is served.</summary>
    public const string DashboardPath = "/admin/dashboard";

    public static IServiceCollection AddChaosAdmin(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddChaosOptions<AdminOptions>(configuration, AdminOptions.Section);
        services.AddAuthentication().AddScheme<AuthenticationSchemeOptions, AdminBasicAuthenticationHandler>(AdminBasicAuthenticationHandler.SchemeName, null);
        services.AddAuthorizationBuilder().AddPolicy(Policy, policy => policy
            // Basic first: its challenge only adds WWW-Authenticate; the bearer scheme's then writes the problem body.
            .AddAuthenticationSchemes(AdminBasicAuthenticationHandler.SchemeName, JwtBearerDefaults.AuthenticationScheme)
            .RequireAuthenticatedUser()
            .RequireAssertion(context => IsAdministrator(context, context.Resource as HttpContext)));
        return services;
    }

    /// <summary>Serves the Orleans dashboard to administrators when <c>Chaos:Admin:Dashboard</c> is on.</summary>
    public static WebApplication MapChaosAdmin(this WebApplication app)
    {
        if (app.Services.GetRequiredService<IOptions<AdminOptions>>().Value.Dashboard)
        {
            app.MapOrleansDashboard(DashboardPath).RequireAuthorization(Policy);
        }

        return app;
    }

    private static bool IsAdministrator(AuthorizationHandlerContext context, HttpContext? http)
    {
        if (context.User.HasClaim(c => c.Type == AdminClaim))
        {
            return true;
        }

        var admin = http?.RequestServices.GetRequiredService<IOptions<AdminOptions>>().Value;
        return admin is not null && context.User.FindFirst(JwtRegisteredClaimNames.Sub)?.Value is { } subject && admin.Users.Contains(subject, StringComparer.Ordinal);
    }
}
