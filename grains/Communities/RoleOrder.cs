namespace Chaos.Communities;

/// <summary>Role positions of a community: @everyone stays at 0, the other roles hold 1..n with no gaps.</summary>
internal static class RoleOrder
{
    /// <summary>
    /// Inserts <paramref name="role"/> at <paramref name="position"/> (clamped to 1..n) among <paramref name="others"/>
    /// and renumbers; the role whose id is <paramref name="everyoneId"/> (the community id) stays first at 0.
    /// </summary>
    public static List<Role> Insert(IEnumerable<Role> others, Role role, int position, long everyoneId)
    {
        var list = others.ToList();
        var ordered = list.Where(r => r.Id != everyoneId).OrderBy(r => r.Position).ToList();
        ordered.Insert(Math.Clamp(position - 1, 0, ordered.Count), role);
        return [.. list.Where(r => r.Id == everyoneId), .. Number(ordered)];
    }

    /// <summary>Closes the gaps a removal left, keeping the order; @everyone stays first.</summary>
    public static List<Role> Renumber(IEnumerable<Role> roles, long everyoneId)
    {
        var list = roles.ToList();
        return [.. list.Where(r => r.Id == everyoneId), .. Number(list.Where(r => r.Id != everyoneId).OrderBy(r => r.Position))];
    }

    private static IEnumerable<Role> Number(IEnumerable<Role> ordered) => ordered.Select((r, i) => r with { Position = i + 1 });
}
