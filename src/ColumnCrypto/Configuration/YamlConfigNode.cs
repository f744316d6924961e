namespace ColumnCrypto.Configuration;

/// <summary>
/// A node of a parsed configuration document, with the position it was read from. This small model (rather than
/// YamlDotNet's representation model) keeps duplicate keys, so the binder can report both of their lines.
/// </summary>
internal abstract class YamlConfigNode(int line)
{
    /// <summary>The 1-based line the node starts on.</summary>
    public int Line { get; } = line;

    /// <summary>What the node is, for messages: never its content, which may be a secret.</summary>
    public abstract string KindDescription { get; }
}

/// <summary>A scalar value, after YAML unquoting but before <c>${ENV_VAR}</c> expansion.</summary>
internal sealed class YamlConfigScalar(string value, bool isPlainUntagged, int line) : YamlConfigNode(line)
{
    /// <summary>The scalar's text.</summary>
    public string Value { get; } = value;

    /// <summary>True for YAML's null (an empty plain value, <c>~</c> or <c>null</c>); quoted values are never null.</summary>
    public bool IsNull => isPlainUntagged && Value is "" or "~" or "null" or "Null" or "NULL";

    /// <inheritdoc />
    public override string KindDescription => "a single value";
}

/// <summary>A mapping; entries stay in document order and may repeat a key.</summary>
internal sealed class YamlConfigMapping(IReadOnlyList<KeyValuePair<YamlConfigNode, YamlConfigNode>> entries, int line)
    : YamlConfigNode(line)
{
    /// <summary>The key/value pairs in document order, duplicates included.</summary>
    public IReadOnlyList<KeyValuePair<YamlConfigNode, YamlConfigNode>> Entries { get; } = entries;

    /// <inheritdoc />
    public override string KindDescription => "a mapping";
}

/// <summary>A sequence. No setting takes one, so only its position is kept.</summary>
internal sealed class YamlConfigSequence(int line) : YamlConfigNode(line)
{
    /// <inheritdoc />
    public override string KindDescription => "a list";
}
