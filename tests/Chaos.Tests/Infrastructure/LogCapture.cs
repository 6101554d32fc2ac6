using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Chaos.Tests.Infrastructure;

/// <summary>
/// Keeps a front door's warnings and errors (time, category, message, exception) so a failing test can say which grain
/// call failed and why; bounded to the newest lines.
/// </summary>
public sealed class LogCapture : ILoggerProvider
{
    private const int MaxLines = 400;
    private readonly ConcurrentQueue<string> lines = new();

    public LogCapture(string name, LogLevel minimum = LogLevel.Warning)
    {
        Name = name;
        Minimum = minimum;
    }

    public string Name { get; }

    public LogLevel Minimum { get; }

    public string Text => $"--- {Name} ---\n" + string.Join('\n', lines);

    /// <summary>Adds this capture to a front door's logging.</summary>
    public void AddTo(WebApplicationBuilder builder) => builder.Logging.AddProvider(this);

    public ILogger CreateLogger(string categoryName) => new CapturingLogger(this, categoryName);

    public void Dispose()
    {
    }

    private void Add(string line)
    {
        lines.Enqueue(line);
        while (lines.Count > MaxLines && lines.TryDequeue(out _))
        {
        }
    }

    private sealed class CapturingLogger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= owner.Minimum && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (!IsEnabled(logLevel))
            {
                return;
            }

            var error = exception is null ? string.Empty : $" | {exception.GetType().Name}: {exception.Message}";
            owner.Add($"{DateTime.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{error}");
        }
    }
}
