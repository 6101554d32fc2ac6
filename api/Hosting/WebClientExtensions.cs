using Microsoft.Extensions.FileProviders;
using Microsoft.Net.Http.Headers;

namespace Chaos.Api.Hosting;

/// <summary>
/// Serves the web client (<c>clients/web</c>, built into <c>webclient/</c> next to the assembly) at <c>/</c>: hashed
/// assets cached for a year, <c>index.html</c> (never cached) for client-side routes such as <c>/invite/{code}</c>,
/// and a strict Content-Security-Policy without inline scripts. API, gateway, operations and admin paths never fall back.
/// </summary>
public static partial class WebClientExtensions
{
    /// <summary>Configuration key of the folder to serve; default <c>{AppContext.BaseDirectory}/webclient</c>.</summary>
    public const string RootKey = "Chaos:Web:Root";

    public const string ContentSecurityPolicy =
        "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data: blob:; media-src 'self' blob:; " +
        "connect-src 'self'; font-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; " +
        "base-uri 'none'; form-action 'self'; frame-ancestors 'none'";

    private const string FallbackPattern = "{*path:nonfile:regex(^(?!(api|gateway|health|metrics|docs|openapi|admin)(/|$)))}";

    private static readonly string[] ReservedPrefixes = ["/api", "/gateway", "/health", "/metrics", "/docs", "/openapi", "/admin"];

    public static WebApplicationBuilder AddChaosWebClient(this WebApplicationBuilder builder)
    {
        var root = builder.Configuration[RootKey] ?? Path.Combine(AppContext.BaseDirectory, "webclient");
        builder.Services.AddSingleton(new WebClientFiles(Path.GetFullPath(root)));
        return builder;
    }

    /// <summary>Static files first (before authentication: the app is public), then the client-side-route fallback.</summary>
    public static WebApplication UseChaosWebClient(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<WebClientFiles>();
        if (!files.Exists)
        {
            LogMissing(app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chaos.Web"), files.Root);
            return app;
        }

        app.UseStaticFiles(new StaticFileOptions
        {
            FileProvider = files.Provider,
            OnPrepareResponse = context =>
            {
                var headers = context.Context.Response.Headers;
                var path = context.Context.Request.Path;
                headers[HeaderNames.CacheControl] = path.StartsWithSegments("/assets", StringComparison.Ordinal)
                    ? "public, max-age=31536000, immutable"
                    : "no-cache";
                AddSecurityHeaders(headers);
            },
        });
        return app;
    }

    public static WebApplication MapChaosWebClient(this WebApplication app)
    {
        var files = app.Services.GetRequiredService<WebClientFiles>();
        if (!files.Exists)
        {
            return app;
        }

        // GET and HEAD only, and never under the API's prefixes: a wrong method there still answers 405, an unknown path 404.
        RequestDelegate serveIndex = async context =>
        {
            var path = context.Request.Path;
            if (ReservedPrefixes.Any(prefix => path.StartsWithSegments(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                context.Response.StatusCode = StatusCodes.Status404NotFound;
                return;
            }

            var index = files.Provider.GetFileInfo("index.html");
            context.Response.ContentType = "text/html; charset=utf-8";
            context.Response.Headers[HeaderNames.CacheControl] = "no-cache";
            AddSecurityHeaders(context.Response.Headers);
            if (HttpMethods.IsHead(context.Request.Method))
            {
                context.Response.ContentLength = index.Length;
                return;
            }

            await context.Response.SendFileAsync(index, context.RequestAborted);
        };
        app.MapMethods("/", [HttpMethods.Get, HttpMethods.Head], serveIndex).AllowAnonymous().ExcludeFromDescription();
        app.MapMethods(FallbackPattern, [HttpMethods.Get, HttpMethods.Head], serveIndex).AllowAnonymous().WithOrder(int.MaxValue).ExcludeFromDescription();
        return app;
    }

    private static void AddSecurityHeaders(IHeaderDictionary headers)
    {
        headers[HeaderNames.ContentSecurityPolicy] = ContentSecurityPolicy;
        headers[HeaderNames.XContentTypeOptions] = "nosniff";
        headers["Referrer-Policy"] = "no-referrer";
        headers[HeaderNames.XFrameOptions] = "DENY";
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "The web client is not built ({Root} has no index.html): only the API is served. Build the api project with Node.js 20+ on PATH.")]
    private static partial void LogMissing(ILogger logger, string root);
}
