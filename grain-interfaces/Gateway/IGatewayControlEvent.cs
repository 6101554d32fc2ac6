namespace Chaos.Gateway;

/// <summary>
/// A stream event meant for front doors only (re-evaluate access, subscribe to a new DM, ...): front doors act on it and
/// never forward it to clients, whether or not a feature on them knows its type.
/// </summary>
public interface IGatewayControlEvent;
