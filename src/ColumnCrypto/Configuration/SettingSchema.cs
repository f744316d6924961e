namespace ColumnCrypto.Configuration;

/// <summary>
/// Every setting a configuration may contain with the given plugins registered: the core's table, and under
/// <c>plugins.&lt;name&gt;</c> each plugin's <c>plugin</c>, <c>isKms</c> and own table. Sections are the prefixes of
/// the settings' paths; <c>plugins</c> is always a section, so a plugin that is not registered gets its own message.
/// </summary>
internal sealed class SettingSchema
{
    /// <summary>The section holding one sub-section per plugin.</summary>
    public const string PluginsSection = "plugins";

    private readonly Dictionary<string, SchemaSetting> _settings = new(StringComparer.Ordinal);

    // Section path ("" for the top level) → the names of its children, in table order.
    private readonly Dictionary<string, List<string>> _children = new(StringComparer.Ordinal) { [""] = [] };
    private readonly Dictionary<string, IColumnCryptoPlugin> _plugins = new(StringComparer.Ordinal);

    private SettingSchema(IEnumerable<IColumnCryptoPlugin> plugins)
    {
        foreach (var setting in ColumnCryptoSettingTable.Core.Items)
        {
            Add("", setting, null);
        }

        // Documentation order: schedule, plugins, masterKey, reencryption, cipher.
        _children[""].Insert(_children[""].IndexOf("schedule") + 1, PluginsSection);
        _children[PluginsSection] = [];
        foreach (var plugin in plugins)
        {
            if (!_plugins.TryAdd(plugin.Name, plugin))
            {
                if (ReferenceEquals(_plugins[plugin.Name], plugin))
                {
                    continue;
                }

                throw new InvalidOperationException(
                    $"Two ColumnCrypto plugins named '{plugin.Name}' are registered ({_plugins[plugin.Name].GetType().Name} and {plugin.GetType().Name}); each plugin section has one plugin.");
            }

            var section = PluginSection(plugin.Name);
            foreach (var setting in ColumnCryptoSettingTable.PluginSection(plugin.Name).Items.Concat(plugin.Settings.Items))
            {
                Add(section, setting, plugin);
            }
        }
    }

    /// <summary>The registered plugins, in registration order.</summary>
    public IEnumerable<IColumnCryptoPlugin> Plugins => _plugins.Values;

    /// <summary>The schema for the core and <paramref name="plugins"/>.</summary>
    public static SettingSchema For(IEnumerable<IColumnCryptoPlugin> plugins)
    {
        ArgumentNullException.ThrowIfNull(plugins);
        return new SettingSchema(plugins);
    }

    /// <summary>The path of plugin <paramref name="name"/>'s section.</summary>
    public static string PluginSection(string name) => $"{PluginsSection}.{name}";

    /// <summary>
    /// Whether a key looks like a setting name and may be echoed in messages. Anything else (spaces, ':', '/') may
    /// be a value that lost its line break or space, possibly a secret, so it is not shown.
    /// </summary>
    public static bool IsPlainName(string name) =>
        name.Length is > 0 and <= 64 && !char.IsAsciiDigit(name[0]) &&
        name.All(c => char.IsAsciiLetterOrDigit(c) || c is '_' or '-');

    /// <summary>The setting at the full dotted <paramref name="path"/>, or null.</summary>
    public SchemaSetting? FindSetting(string path) => _settings.GetValueOrDefault(path);

    /// <summary>Whether <paramref name="path"/> is a section ("" is the top level).</summary>
    public bool IsSection(string path) => _children.ContainsKey(path);

    /// <summary>The names allowed directly under a section ("" for the top level).</summary>
    public IReadOnlyList<string> ChildNames(string sectionPath) => _children[sectionPath];

    /// <summary>The known child of <paramref name="sectionPath"/> that <paramref name="name"/> is, compared as the source compares names.</summary>
    public string? FindChild(string sectionPath, string name, StringComparison comparison) =>
        ChildNames(sectionPath).FirstOrDefault(child => string.Equals(child, name, comparison));

    /// <summary>Every known path, sections and settings, for suggesting where a misplaced key belongs.</summary>
    public IEnumerable<string> AllPaths => _children.Keys.Where(k => k.Length > 0).Concat(_settings.Keys);

    /// <summary>The plugin registered as <paramref name="name"/>, or null.</summary>
    public IColumnCryptoPlugin? FindPlugin(string name) => _plugins.GetValueOrDefault(name);

    /// <summary>The core's settings (outside <c>plugins:</c>).</summary>
    public IEnumerable<SchemaSetting> CoreSettings => _settings.Values.Where(s => s.Plugin is null);

    /// <summary>The settings of <paramref name="plugin"/>'s section, <c>plugin</c> and <c>isKms</c> first.</summary>
    public IEnumerable<SchemaSetting> SettingsOf(IColumnCryptoPlugin plugin) => _settings.Values.Where(s => s.Plugin == plugin);

    private void Add(string section, ColumnCryptoSetting setting, IColumnCryptoPlugin? plugin)
    {
        var path = ConfigurationProblems.Combine(section, setting.Path);
        _settings.Add(path, new SchemaSetting(path, setting, plugin));
        var parent = "";
        foreach (var name in path.Split('.'))
        {
            var children = _children.TryGetValue(parent, out var list) ? list : _children[parent] = [];
            if (!children.Contains(name))
            {
                children.Add(name);
            }

            parent = ConfigurationProblems.Combine(parent, name);
        }
    }
}

/// <summary>A setting at its full dotted path, and the options object it is stored in: the core's, or its plugin's.</summary>
internal sealed record SchemaSetting(string Path, ColumnCryptoSetting Setting, IColumnCryptoPlugin? Plugin)
{
    /// <summary>Where the value is stored, created (the plugin's options) when missing: for binding.</summary>
    public object Target(ColumnCryptoOptions options) =>
        Plugin is null ? options : options.Plugins.GetOrAdd(Plugin.Name, Plugin.CreateOptions);

    /// <summary>Where the value is, or null when its plugin section is absent: for validation.</summary>
    public object? FindTarget(ColumnCryptoOptions options) => Plugin is null ? options : options.Plugins.Find(Plugin.Name);
}
