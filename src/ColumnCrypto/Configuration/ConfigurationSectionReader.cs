using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace ColumnCrypto.Configuration;

/// <summary>
/// Reads an <c>IConfiguration</c> section into <see cref="ConfigNode"/>s, so it is bound exactly as a YAML document is.
/// A key with children is a mapping (a sequence when its children are 0, 1, 2..., as JSON arrays become); a key
/// without children is a single value, empty meaning "no value". Configuration has no lines.
/// </summary>
internal static class ConfigurationSectionReader
{
    /// <summary>The section's tree; null when it does not exist.</summary>
    public static ConfigNode? Read(IConfiguration configuration)
    {
        return configuration switch
        {
            IConfigurationSection section => section.Exists() ? ReadNode(section) : null,
            _ => ReadChildren(configuration),
        };
    }

    private static ConfigNode ReadChildren(IConfiguration configuration)
    {
        var children = configuration.GetChildren().ToList();
        if (children.Count > 0 && children.All(c => int.TryParse(c.Key, NumberStyles.None, CultureInfo.InvariantCulture, out _)))
        {
            return new ConfigSequence(null);
        }

        return new ConfigMapping(
            [.. children.Select(child => new KeyValuePair<ConfigNode, ConfigNode>(new ConfigScalar(child.Key, false, null), ReadNode(child)))],
            null);
    }

    private static ConfigNode ReadNode(IConfigurationSection section) =>
        section.GetChildren().Any()
            ? ReadChildren(section)
            : new ConfigScalar(section.Value ?? "", string.IsNullOrEmpty(section.Value), null);
}
