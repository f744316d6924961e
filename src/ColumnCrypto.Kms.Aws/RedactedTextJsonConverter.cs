using System.Text.Json;
using System.Text.Json.Serialization;
using ColumnCrypto.Configuration;

namespace ColumnCrypto.Kms.Aws;

/// <summary>Writes a text setting that must not leave the process (the access key id) as <c>[redacted]</c>, as <see cref="SecretValue"/> does.</summary>
internal sealed class RedactedTextJsonConverter : JsonConverter<string>
{
    public override string? Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) => reader.GetString();

    public override void Write(Utf8JsonWriter writer, string value, JsonSerializerOptions options) => writer.WriteStringValue(SecretValue.Redacted);
}
