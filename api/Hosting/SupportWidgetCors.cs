using Microsoft.Net.Http.Headers;

namespace Chaos.Api.Hosting;

/// <summary>
/// Cross-origin access to the support routes (<c>/api/v1/support/...</c>) for the guest widget, which runs on a
/// customer's own site (docs/api.md#support-desk). Any origin may call them: they authenticate with a bearer token in
/// the <c>Authorization</c> header, never with cookies, so a foreign page can do nothing a token holder could not do
/// anyway; credentials are not allowed. Preflights are answered here, before authentication and routing.
/// </summary>
public static class SupportWidgetCors
{
    public const string PathPrefix = "/api/v1/support";

    public static WebApplication UseSupportWidgetCors(this WebApplication app)
    {
        app.Use(static (context, next) =>
        {
            if (!context.Request.Path.StartsWithSegments(PathPrefix, StringComparison.OrdinalIgnoreCase)
                || !context.Request.Headers.ContainsKey(HeaderNames.Origin))
            {
                return next(context);
            }

            var headers = context.Response.Headers;
            if (HttpMethods.IsOptions(context.Request.Method)
                && context.Request.Headers.ContainsKey(HeaderNames.AccessControlRequestMethod))
            {
                headers[HeaderNames.AccessControlAllowOrigin] = "*";
                headers[HeaderNames.AccessControlAllowMethods] = "GET, POST";
                headers[HeaderNames.AccessControlAllowHeaders] = "Authorization, Content-Type";
                headers[HeaderNames.AccessControlMaxAge] = "600";
                context.Response.StatusCode = StatusCodes.Status204NoContent;
                return Task.CompletedTask;
            }

            // At the start of the response, so problem details written by the exception handler (which clears the
            // headers) carry them too and the widget can show their detail.
            context.Response.OnStarting(static state =>
            {
                var h = (IHeaderDictionary)state;
                h[HeaderNames.AccessControlAllowOrigin] = "*";
                h[HeaderNames.AccessControlExposeHeaders] = "Retry-After";
                return Task.CompletedTask;
            }, headers);
            return next(context);
        });
        return app;
    }
}
