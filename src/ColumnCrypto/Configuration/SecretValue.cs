using System.Text.Json;
using System.Text.Json.Serialization;

namespace ColumnCrypto.Configuration;

/// <summary>
/// A secret configuration value (a password or secret key). Its text is only available through <see cref="Reveal"/>;
/// <see cref="ToString"/> and JSON serialization show <c>[redacted]</c>, so the secret cannot leak through logs,
/// exception messages or serialized options.
/// </summary>
[JsonConverter(typeof(SecretValueJsonConverter))]
public sealed class SecretValue
{
    /// <summary>What every textual form of a secret shows instead of its value.</summary>
    public const string Redacted = "[redacted]";

    private readonly string _value;

    /// <summary>Wraps a secret.</summary>
    public SecretValue(string value) => _value = value ?? throw new ArgumentNullException(nameof(value));

    /// <summary>The secret itself. Pass it straight to the API that needs it; never log it.</summary>
    public string Reveal() => _value;

    /// <inheritdoc />
    public override string ToString() => Redacted;

    private sealed class SecretValueJsonConverter : JsonConverter<SecretValue>
    {
        public override SecretValue Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
            new(reader.GetString() ?? string.Empty);

        public override void Write(Utf8JsonWriter writer, SecretValue value, JsonSerializerOptions options) =>
            writer.WriteStringValue(Redacted);
    }
}
