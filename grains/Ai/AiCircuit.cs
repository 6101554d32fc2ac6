namespace Chaos.Ai;

/// <summary>
/// The circuit in front of the model server (docs/architecture.md#ai-assistance): after enough failed calls in a row it
/// opens and calls fail at once instead of waiting on a dead server; once the break is over one trial call may pass, and
/// its success (or a successful probe) closes the circuit again. One per process, thread-safe.
/// </summary>
public sealed class AiCircuit(int failureThreshold, TimeSpan breakDuration, TimeProvider time)
{
    private readonly Lock _gate = new();
    private int _failures;
    private DateTimeOffset? _openUntil;
    private bool _trialInFlight;

    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is { } until && time.GetUtcNow() < until;
            }
        }
    }

    /// <summary>Whether a call may go out now; while half-open only one trial call passes.</summary>
    public bool TryAcquire()
    {
        lock (_gate)
        {
            if (_openUntil is not { } until)
            {
                return true;
            }

            if (time.GetUtcNow() < until || _trialInFlight)
            {
                return false;
            }

            _trialInFlight = true;
            return true;
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _failures = 0;
            _openUntil = null;
            _trialInFlight = false;
        }
    }

    /// <summary>Counts a failed call; answers true when this failure opened (or re-opened) the circuit.</summary>
    public bool RecordFailure()
    {
        lock (_gate)
        {
            _failures++;
            var wasTrial = _trialInFlight;
            _trialInFlight = false;
            if (wasTrial || _failures >= failureThreshold)
            {
                _openUntil = time.GetUtcNow() + breakDuration;
                return true;
            }

            return false;
        }
    }

    /// <summary>A call that neither succeeded nor failed (cancelled by its caller) gives its trial back.</summary>
    public void RecordAbandoned()
    {
        lock (_gate)
        {
            _trialInFlight = false;
        }
    }
}
