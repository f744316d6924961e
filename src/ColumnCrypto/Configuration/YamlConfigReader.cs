using YamlDotNet.Core;
using YamlDotNet.Core.Events;

namespace ColumnCrypto.Configuration;

/// <summary>
/// Reads YAML text into <see cref="ConfigNode"/>s with YamlDotNet's parser, turning syntax errors into
/// <see cref="ColumnCryptoConfigurationException"/>s that name the file, line and the setting being read.
/// </summary>
internal sealed class YamlConfigReader
{
    // Real configuration is a few levels deep; the limit only stops hostile input from exhausting the stack.
    private const int MaxDepth = 64;

    private readonly Parser _parser;
    private readonly string _source;
    private readonly Dictionary<string, ConfigNode> _anchors = new(StringComparer.Ordinal);

    // The keys whose values are being read, so a syntax error can name the setting it occurred in;
    // null for a key that is not a plain name and must not be echoed.
    private readonly List<string?> _keyPath = [];

    private YamlConfigReader(string yaml, string source)
    {
        _parser = new Parser(new StringReader(yaml));
        _source = source;
    }

    /// <summary>Reads the single document in <paramref name="yaml"/>; null when there is none (an empty file).</summary>
    public static ConfigNode? Read(string yaml, string source)
    {
        var reader = new YamlConfigReader(yaml, source);
        try
        {
            return reader.ReadStream();
        }
        catch (YamlException ex)
        {
            // YamlDotNet's messages describe the grammar, never the scalar text, so they are safe to show.
            var line = (int)ex.Start.Line;
            throw reader.SyntaxError($"{ex.Message.TrimEnd('.')} (line {line}, column {ex.Start.Column})", line, ex);
        }
        catch (Exception ex) when (ex is InvalidOperationException or ArgumentException)
        {
            // YamlDotNet 16.3 throws these instead of a YamlException for some malformed input, e.g. an unclosed
            // '[' whose plain scalar runs to the end of the file. Its own message says nothing useful, so name the
            // last position it read successfully.
            var line = (int)(reader._parser.Current?.End.Line ?? 1);
            throw reader.SyntaxError($"the parser could not read past line {line}", line, ex);
        }
    }

    private ColumnCryptoConfigurationException SyntaxError(string detail, int line, Exception inner)
    {
        var setting = CurrentSetting();
        var where = setting is null ? "" : $" while reading {setting}";
        return new ConfigurationProblem(
                setting,
                $"the file is not valid YAML{where}: {detail}. " +
                "Check the indentation (spaces, not tabs), quotes and brackets on or just before that line.")
            .ToException(_source, line, inner);
    }

    private ConfigNode? ReadStream()
    {
        _parser.Consume<StreamStart>();
        if (_parser.TryConsume<StreamEnd>(out _))
        {
            return null;
        }

        _parser.Consume<DocumentStart>();
        var root = ReadNode(0);
        _parser.Consume<DocumentEnd>();
        if (_parser.Accept<DocumentStart>(out var second))
        {
            var line = (int)second.Start.Line;
            throw new ConfigurationProblem(
                    null,
                    $"the file holds more than one YAML document (another starts at '---' on line {line}). " +
                    "Put all ColumnCrypto settings in a single document.")
                .ToException(_source, line);
        }

        _parser.Consume<StreamEnd>();
        return root;
    }

    private ConfigNode ReadNode(int depth)
    {
        if (_parser.TryConsume<AnchorAlias>(out var alias))
        {
            if (_anchors.TryGetValue(alias.Value.Value, out var target))
            {
                return target;
            }

            // The alias name is not shown: an unquoted secret starting with '*' would be read as an alias.
            throw Problem("an alias ('*name') refers to an anchor ('&name') that is not defined before it. " +
                          "Define the anchor first, or quote the value if the '*' is part of it.", (int)alias.Start.Line);
        }

        if (depth > MaxDepth)
        {
            throw Problem($"the YAML is nested more than {MaxDepth} levels deep. ColumnCrypto settings are at most a few levels deep.",
                (int)_parser.Current!.Start.Line);
        }

        if (_parser.TryConsume<Scalar>(out var scalar))
        {
            // YAML's null: an untagged plain empty value, '~' or 'null'; quoted values are always text.
            var isNull = scalar.Style == ScalarStyle.Plain && scalar.IsPlainImplicit && scalar.Value is "" or "~" or "null" or "Null" or "NULL";
            return Anchor(scalar.Anchor, new ConfigScalar(scalar.Value, isNull, (int)scalar.Start.Line));
        }

        if (_parser.TryConsume<SequenceStart>(out var sequenceStart))
        {
            while (!_parser.TryConsume<SequenceEnd>(out _))
            {
                ReadNode(depth + 1);
            }

            return Anchor(sequenceStart.Anchor, new ConfigSequence((int)sequenceStart.Start.Line));
        }

        var mappingStart = _parser.Consume<MappingStart>();
        var entries = new List<KeyValuePair<ConfigNode, ConfigNode>>();
        while (!_parser.TryConsume<MappingEnd>(out _))
        {
            var key = ReadNode(depth + 1);
            _keyPath.Add(key is ConfigScalar { Value: var name } && SettingSchema.IsPlainName(name) ? name : null);
            var value = ReadNode(depth + 1);
            _keyPath.RemoveAt(_keyPath.Count - 1);
            entries.Add(new(key, value));
        }

        return Anchor(mappingStart.Anchor, new ConfigMapping(entries, (int)mappingStart.Start.Line));
    }

    // Anchors are registered only once their node is complete, so an alias cannot refer to an enclosing node (no cycles).
    private ConfigNode Anchor(AnchorName anchor, ConfigNode node)
    {
        if (!anchor.IsEmpty)
        {
            _anchors[anchor.Value] = node;
        }

        return node;
    }

    // The setting being read, up to the first key that may not be shown.
    private string? CurrentSetting()
    {
        var names = _keyPath.TakeWhile(name => name is not null).ToList();
        return names.Count == 0 ? null : string.Join('.', names);
    }

    private ColumnCryptoConfigurationException Problem(string message, int line)
    {
        var setting = CurrentSetting();
        return new ConfigurationProblem(setting, setting is null ? message : $"{setting}: {message}").ToException(_source, line);
    }
}
