using System.Collections;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace ColumnCrypto.Configuration;

/// <summary>
/// The plugin sections of the configuration (<c>plugins:</c>): one options object per plugin, keyed by its section
/// name (for example <c>myKms</c>), in the order they were added. Names are case-sensitive.
/// </summary>
/// <remarks>
/// JSON serialization writes each plugin's options with its own type (so a plugin's <see cref="SecretValue"/>s stay
/// redacted); the collection cannot be read back from JSON.
/// </remarks>
[JsonConverter(typeof(PluginOptionsJsonConverter))]
public sealed class PluginOptionsCollection : IReadOnlyCollection<KeyValuePair<string, ColumnCryptoPluginOptions>>
{
    private readonly OrderedDictionary<string, ColumnCryptoPluginOptions> _plugins = new(StringComparer.Ordinal);

    /// <inheritdoc />
    public int Count => _plugins.Count;

    /// <summary>The options of plugin <paramref name="name"/>, added (with the type's defaults) when missing.</summary>
    /// <typeparam name="T">The plugin's options type.</typeparam>
    /// <param name="name">The plugin section name, for example <c>myKms</c>.</param>
    /// <exception cref="InvalidOperationException">The section holds options of another type.</exception>
    public T GetOrAdd<T>(string name) where T : ColumnCryptoPluginOptions, new() => As<T>(name, GetOrAdd(name, static () => new T()));

    /// <summary>The options of plugin <paramref name="name"/>, or null when the section is absent.</summary>
    /// <typeparam name="T">The plugin's options type.</typeparam>
    /// <param name="name">The plugin section name, for example <c>myKms</c>.</param>
    /// <exception cref="InvalidOperationException">The section holds options of another type.</exception>
    public T? Find<T>(string name) where T : ColumnCryptoPluginOptions => Find(name) is { } options ? As<T>(name, options) : null;

    /// <summary>Sets (adds or replaces) the options of plugin <paramref name="name"/>.</summary>
    /// <param name="name">The plugin section name, for example <c>myKms</c>.</param>
    /// <param name="options">The plugin's options.</param>
    public void Set(string name, ColumnCryptoPluginOptions options)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(options);
        _plugins[name] = options;
    }

    /// <summary>Removes the section of plugin <paramref name="name"/>; false when there was none.</summary>
    /// <param name="name">The plugin section name.</param>
    /// <returns>Whether a section was removed.</returns>
    public bool Remove(string name) => _plugins.Remove(name);

    /// <inheritdoc />
    public IEnumerator<KeyValuePair<string, ColumnCryptoPluginOptions>> GetEnumerator() => _plugins.GetEnumerator();

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();

    internal ColumnCryptoPluginOptions? Find(string name) => _plugins.GetValueOrDefault(name);

    internal ColumnCryptoPluginOptions GetOrAdd(string name, Func<ColumnCryptoPluginOptions> create)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!_plugins.TryGetValue(name, out var options))
        {
            options = create();
            _plugins.Add(name, options);
        }

        return options;
    }

    private static T As<T>(string name, ColumnCryptoPluginOptions options) where T : ColumnCryptoPluginOptions =>
        options as T ?? throw new InvalidOperationException(
            $"plugins.{name} holds {options.GetType().Name}, not {typeof(T).Name}: each plugin section has its plugin's options type.");

    private sealed class PluginOptionsJsonConverter : JsonConverter<PluginOptionsCollection>
    {
        public override PluginOptionsCollection Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            throw new NotSupportedException("Plugin options are bound from the configuration; they cannot be read from JSON.");

        public override void Write(Utf8JsonWriter writer, PluginOptionsCollection value, JsonSerializerOptions options)
        {
            writer.WriteStartObject();
            foreach (var (name, plugin) in value)
            {
                writer.WritePropertyName(name);

                // The runtime type, not ColumnCryptoPluginOptions: a plugin's own converters (redaction) must apply. Its
                // contract comes from the caller's resolver (reflection, or a source-generated context under native AOT).
                JsonSerializer.Serialize(writer, plugin, options.GetTypeInfo(plugin.GetType()));
            }

            writer.WriteEndObject();
        }
    }
}
