namespace Chaos.E2ee;

/// <summary>Written as <c>"commit"</c>, <c>"proposal"</c>, <c>"welcome"</c> on the wire.</summary>
public enum MlsKind
{
    Commit = 0,
    Proposal = 1,
    Welcome = 2,
}
