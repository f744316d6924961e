namespace ColumnCrypto.Configuration;

/// <summary>
/// A node of a configuration source (a YAML document, or an <c>IConfiguration</c> section), as the binder walks it.
/// This small model (rather than YamlDotNet's representation model) keeps duplicate YAML keys, so the binder can report
/// both of their lines.
/// </summary>
internal abstract class ConfigNode(int? line)
{
    /// <summary>The 1-based line the node starts on; null for sources without lines.</summary>
    public int? Line { get; } = line;

    /// <summary>What the node is, for messages: never its content, which may be a secret.</summary>
    public abstract string KindDescription { get; }
}

/// <summary>A single value, before any <c>${ENV_VAR}</c> expansion.</summary>
/// <param name="value">The text, after YAML unquoting.</param>
/// <param name="isNull">True for "no value": YAML's null (an empty plain value, <c>~</c>, <c>null</c>), or an empty configuration value.</param>
/// <param name="line">The line, when the source has lines.</param>
internal sealed class ConfigScalar(string value, bool isNull, int? line) : ConfigNode(line)
{
    /// <summary>The text.</summary>
    public string Value { get; } = value;

    /// <summary>True when the value is absent rather than text (quoted YAML values are never null).</summary>
    public bool IsNull { get; } = isNull;

    /// <inheritdoc />
    public override string KindDescription => "a single value";
}

/// <summary>A mapping; entries stay in source order and may repeat a key.</summary>
internal sealed class ConfigMapping(IReadOnlyList<KeyValuePair<ConfigNode, ConfigNode>> entries, int? line) : ConfigNode(line)
{
    /// <summary>The key/value pairs in source order, duplicates included.</summary>
    public IReadOnlyList<KeyValuePair<ConfigNode, ConfigNode>> Entries { get; } = entries;

    /// <inheritdoc />
    public override string KindDescription => "a mapping";
}

/// <summary>A sequence. No setting takes one, so only its position is kept.</summary>
internal sealed class ConfigSequence(int? line) : ConfigNode(line)
{
    /// <inheritdoc />
    public override string KindDescription => "a list";
}
