using System.Collections.Concurrent;
using System.Diagnostics.Metrics;

namespace ColumnCrypto.Testing;

/// <summary>
/// Records what one application's meter publishes (its instruments, and the tag names of every measurement) and holds
/// it against the meter's rows of docs/observability.md. Other applications of a test run publish the same names
/// meanwhile: only the meter created by <paramref name="scope"/> (the application's meter factory) is recorded.
/// </summary>
public sealed class DocumentedMeter : IDisposable
{
    private readonly string _meterName;
    private readonly MeterListener _listener;
    private readonly ConcurrentDictionary<string, Instrument> _published = new();
    private readonly ConcurrentDictionary<string, ConcurrentDictionary<string, bool>> _tags = new();

    public DocumentedMeter(string meterName, object scope)
    {
        _meterName = meterName;
        _listener = new MeterListener
        {
            InstrumentPublished = (instrument, listener) =>
            {
                if (instrument.Meter.Name == meterName && ReferenceEquals(instrument.Meter.Scope, scope))
                {
                    _published[instrument.Name] = instrument;
                    listener.EnableMeasurementEvents(instrument);
                }
            },
        };
        _listener.SetMeasurementEventCallback<long>((i, _, tags, _) => Measured(i, tags));
        _listener.SetMeasurementEventCallback<double>((i, _, tags, _) => Measured(i, tags));
        _listener.Start();
    }

    /// <summary>
    /// Observes the gauges, then asserts: the documented instruments of the meter are exactly those published, each
    /// with the documented type and unit, and each was measured with exactly the documented tags.
    /// </summary>
    public void AssertMatchesDocument()
    {
        _listener.RecordObservableInstruments();
        var documented = ObservabilityDocument.Instruments().Where(i => i.Meter == _meterName).ToList();
        Assert.Equal(documented.Select(d => d.Name).Order(), _published.Keys.Order());
        foreach (var row in documented)
        {
            var instrument = _published[row.Name];
            Assert.True(row.Type == DocumentedInstrument.TypeOf(instrument), $"{row.Name}: documented as {row.Type}, is {DocumentedInstrument.TypeOf(instrument)}");
            Assert.True(row.Unit == instrument.Unit, $"{row.Name}: documented unit {row.Unit}, is {instrument.Unit}");
            Assert.True(_tags.TryGetValue(row.Name, out var tags), $"{row.Name} was not measured by the scenario");
            Assert.True(row.Tags.Order().SequenceEqual(tags.Keys.Order()),
                $"{row.Name}: documented tags [{string.Join(", ", row.Tags)}], measured with [{string.Join(", ", tags.Keys)}]");
        }
    }

    public void Dispose() => _listener.Dispose();

    private void Measured(Instrument instrument, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        var seen = _tags.GetOrAdd(instrument.Name, _ => new());
        foreach (var tag in tags)
        {
            seen[tag.Key] = true;
        }
    }
}
