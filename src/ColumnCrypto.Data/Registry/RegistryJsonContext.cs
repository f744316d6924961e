using System.Text.Json.Serialization;

namespace ColumnCrypto.Data.Registry;

/// <summary>
/// The registry's <c>key_columns</c> JSON (an array of column names), source-generated: no reflection, so the registry
/// works unchanged under trimming and native AOT. The default options: the same JSON as <c>JsonSerializer</c>'s defaults.
/// </summary>
[JsonSerializable(typeof(string[]))]
internal sealed partial class RegistryJsonContext : JsonSerializerContext;
