using System.Net;
using System.Net.Sockets;

namespace Chaos.Tests.Cluster;

/// <summary>
/// What a Kubernetes Service does for REST clients: sends each request to a front door that answers, starting with the
/// preferred one. A read that fails (door down, or draining: 503) is tried on the next door; a write only when it
/// provably never reached a door (connection refused).
/// </summary>
public sealed class FailoverHandler(IReadOnlyList<Uri> doors, int preferred) : DelegatingHandler(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) })
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var original = request.RequestUri!;
        var safe = request.Method == HttpMethod.Get;
        Exception? last = null;
        for (var attempt = 0; attempt < doors.Count * 2; attempt++)
        {
            var door = doors[(preferred + attempt) % doors.Count];
            request.RequestUri = new UriBuilder(original) { Scheme = door.Scheme, Host = door.Host, Port = door.Port }.Uri;
            try
            {
                var response = await base.SendAsync(request, cancellationToken);
                if (safe && response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.BadGateway && attempt < doors.Count * 2 - 1)
                {
                    response.Dispose();
                    continue;
                }

                return response;
            }
            catch (HttpRequestException exception) when (safe || exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                last = exception;
            }
        }

        throw new HttpRequestException($"No front door answered {request.Method} {original.PathAndQuery}", last);
    }
}
