using Chaos.Accounts;

namespace Chaos.Communities;

/// <summary>Public profiles by id, kept in step by the User grain.</summary>
public interface IUserDirectory
{
    Task UpsertAsync(PublicUser user);

    Task<IReadOnlyDictionary<long, PublicUser>> GetManyAsync(IReadOnlyCollection<long> ids);
}
