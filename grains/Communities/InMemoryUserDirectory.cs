using System.Collections.Concurrent;
using Chaos.Accounts;

namespace Chaos.Communities;

/// <summary>The standalone in-memory twin of <see cref="PostgresUserDirectory"/>.</summary>
public sealed class InMemoryUserDirectory : IUserDirectory
{
    private readonly ConcurrentDictionary<long, PublicUser> users = new();

    public Task UpsertAsync(PublicUser user)
    {
        users[user.Id] = user;
        return Task.CompletedTask;
    }

    public Task<IReadOnlyDictionary<long, PublicUser>> GetManyAsync(IReadOnlyCollection<long> ids) =>
        Task.FromResult<IReadOnlyDictionary<long, PublicUser>>(ids.Distinct().Where(users.ContainsKey).ToDictionary(id => id, id => users[id]));
}
