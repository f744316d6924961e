using System.Globalization;

namespace ColumnCrypto.Configuration;

/// <summary>
/// A table of settings: the core's own, or a plugin's (<see cref="IColumnCryptoPlugin.Settings"/>). Build one with
/// <see cref="ColumnCryptoSettings{TOptions}"/>. Every configuration source (YAML file, <c>IConfiguration</c>) is bound
/// through such tables, and options built in code are validated against them, so each setting has one parser, one
/// rule and one message wherever its value comes from.
/// </summary>
public abstract class ColumnCryptoSettings
{
    private readonly List<ColumnCryptoSetting> _settings = [];

    private protected ColumnCryptoSettings()
    {
    }

    /// <summary>The settings, in the order they were added (the order used in messages).</summary>
    internal IReadOnlyList<ColumnCryptoSetting> Items => _settings;

    private protected void AddSetting(ColumnCryptoSetting setting)
    {
        if (!setting.Path.Split('.').All(SettingSchema.IsPlainName))
        {
            throw new ArgumentException(
                $"'{setting.Path}' is not a setting path: use names of letters, digits, '_' and '-' separated by '.'.", nameof(setting));
        }

        if (_settings.Any(s => s.Path == setting.Path || s.Path.StartsWith(setting.Path + ".", StringComparison.Ordinal) ||
                               setting.Path.StartsWith(s.Path + ".", StringComparison.Ordinal)))
        {
            throw new ArgumentException($"'{setting.Path}' is already a setting or a section of this table.", nameof(setting));
        }

        _settings.Add(setting);
    }
}

/// <summary>
/// The settings of an options type <typeparamref name="TOptions"/>, added one per call. Each names its path relative
/// to its section (for a plugin, relative to <c>plugins.&lt;name&gt;</c>: <c>keyId</c>, <c>extraKmsConfig.credentials.accessKeyId</c>),
/// what its value must be, how to fix a wrong one, and how to read and store it.
/// </summary>
/// <remarks>
/// <para>A wrong value is reported as "<c>{setting} must be {requirement}, but is {value}. {fix}</c>", with the file and
/// line (YAML) or the configuration key and provider (<c>IConfiguration</c>). So write <c>requirement</c> to complete
/// "must be ..." ("a positive whole number of days") and <c>fix</c> as a sentence ("Set it to ...").</para>
/// <para>Setters may create intermediate objects (<c>(o, v) =&gt; (o.Credentials ??= new()).AccessKeyId = v</c>); getters
/// should tolerate their absence (<c>o =&gt; o.Credentials?.AccessKeyId</c>). Names are case-sensitive in YAML and
/// case-insensitive in <c>IConfiguration</c>, as each source's own conventions are.</para>
/// </remarks>
/// <typeparam name="TOptions">The options object the settings are stored in.</typeparam>
public sealed class ColumnCryptoSettings<TOptions> : ColumnCryptoSettings
    where TOptions : class
{
    /// <summary>A whole-number setting (<see cref="int"/>).</summary>
    /// <param name="path">The dotted path relative to the section.</param>
    /// <param name="requirement">What the value must be, completing "must be ...".</param>
    /// <param name="fix">How to fix a wrong value, as a sentence.</param>
    /// <param name="get">Reads the value from the options.</param>
    /// <param name="set">Stores a parsed value in the options.</param>
    /// <param name="isValid">The rule the value must meet, however it was set.</param>
    /// <returns>This table.</returns>
    public ColumnCryptoSettings<TOptions> WholeNumber(string path, string requirement, string fix,
        Func<TOptions, int> get, Action<TOptions, int> set, Func<int, bool> isValid) =>
        Add(path, requirement, fix, false, TryParseInt32, get, set, isValid);

    /// <summary>A whole-number setting (<see cref="long"/>).</summary>
    /// <param name="path">The dotted path relative to the section.</param>
    /// <param name="requirement">What the value must be, completing "must be ...".</param>
    /// <param name="fix">How to fix a wrong value, as a sentence.</param>
    /// <param name="get">Reads the value from the options.</param>
    /// <param name="set">Stores a parsed value in the options.</param>
    /// <param name="isValid">The rule the value must meet, however it was set.</param>
    /// <returns>This table.</returns>
    public ColumnCryptoSettings<TOptions> WholeNumber(string path, string requirement, string fix,
        Func<TOptions, long> get, Action<TOptions, long> set, Func<long, bool> isValid) =>
        Add(path, requirement, fix, false, TryParseInt64, get, set, isValid);

    /// <summary>A <c>true</c>/<c>false</c> setting (YAML 1.2 core booleans only: <c>yes</c>, <c>on</c> and <c>1</c> are refused).</summary>
    /// <param name="path">The dotted path relative to the section.</param>
    /// <param name="fix">How to fix a wrong value, as a sentence.</param>
    /// <param name="get">Reads the value from the options.</param>
    /// <param name="set">Stores a parsed value in the options.</param>
    /// <returns>This table.</returns>
    public ColumnCryptoSettings<TOptions> Boolean(string path, string fix, Func<TOptions, bool> get, Action<TOptions, bool> set) =>
        Add(path, "true or false", fix, false, TryParseBoolean, get, set, static _ => true);

    /// <summary>An optional text setting: no value leaves it unset (null).</summary>
    /// <param name="path">The dotted path relative to the section.</param>
    /// <param name="requirement">What the value must be, completing "must be ...".</param>
    /// <param name="fix">How to fix a wrong value, as a sentence.</param>
    /// <param name="get">Reads the value from the options.</param>
    /// <param name="set">Stores a parsed value in the options.</param>
    /// <param name="isValid">The rule the value must meet, however it was set; null accepts any value.</param>
    /// <returns>This table.</returns>
    public ColumnCryptoSettings<TOptions> Text(string path, string requirement, string fix,
        Func<TOptions, string?> get, Action<TOptions, string?> set, Func<string?, bool>? isValid = null) =>
        Add(path, requirement, fix, false, TryParseOptionalText, get, set, isValid ?? (static _ => true));

    /// <summary>A required text setting: no value is a type error, so the option never becomes null.</summary>
    /// <param name="path">The dotted path relative to the section.</param>
    /// <param name="requirement">What the value must be, completing "must be ...".</param>
    /// <param name="fix">How to fix a wrong value, as a sentence.</param>
    /// <param name="get">Reads the value from the options.</param>
    /// <param name="set">Stores a parsed value in the options.</param>
    /// <param name="isValid">The rule the value must meet, however it was set.</param>
    /// <returns>This table.</returns>
    public ColumnCryptoSettings<TOptions> RequiredText(string path, string requirement, string fix,
        Func<TOptions, string> get, Action<TOptions, string> set, Func<string, bool> isValid) =>
        Add(path, requirement, fix, false, TryParseRequiredText, get, set, isValid);

    /// <summary>
    /// A secret text setting (a password, a secret key), stored as a <see cref="SecretValue"/>. Its value never appears
    /// in a message, whatever goes wrong.
    /// </summary>
    /// <param name="path">The dotted path relative to the section.</param>
    /// <param name="requirement">What the value must be, completing "must be ...".</param>
    /// <param name="fix">How to fix a wrong value, as a sentence.</param>
    /// <param name="get">Reads the value from the options.</param>
    /// <param name="set">Stores a parsed value in the options.</param>
    /// <returns>This table.</returns>
    public ColumnCryptoSettings<TOptions> Secret(string path, string requirement, string fix,
        Func<TOptions, SecretValue?> get, Action<TOptions, SecretValue?> set) =>
        Add(path, requirement, fix, true, TryParseSecret, get, set, static _ => true);

    /// <summary>
    /// A setting with a fixed set of values, the members of <typeparamref name="TEnum"/> written in camel case
    /// (<c>auto</c>, <c>libsodium</c>); matched without regard to case, never by number.
    /// </summary>
    internal ColumnCryptoSettings<TOptions> Choice<TEnum>(string path, string fix, Func<TOptions, TEnum> get, Action<TOptions, TEnum> set)
        where TEnum : struct, Enum
    {
        var names = Enum.GetValues<TEnum>().Select(v => (Name: ChoiceName(v), Value: v)).ToArray();
        var requirement = "one of " + string.Join(", ", names.Select(n => $"'{n.Name}'"));
        bool Parse(string? text, out TEnum value)
        {
            foreach (var (name, member) in names)
            {
                if (string.Equals(text, name, StringComparison.OrdinalIgnoreCase))
                {
                    value = member;
                    return true;
                }
            }

            value = default;
            return false;
        }

        return Add(path, requirement, fix, false, Parse, get, set, static v => Enum.IsDefined(v));
    }

    private static string ChoiceName<TEnum>(TEnum value)
        where TEnum : struct, Enum
    {
        var name = value.ToString();
        return char.ToLowerInvariant(name[0]) + name[1..];
    }

    private ColumnCryptoSettings<TOptions> Add<T>(string path, string requirement, string fix, bool isSecret, SettingTextParser<T> parse,
        Func<TOptions, T> get, Action<TOptions, T> set, Func<T, bool> isValid)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(path);
        ArgumentException.ThrowIfNullOrWhiteSpace(requirement);
        ArgumentException.ThrowIfNullOrWhiteSpace(fix);
        ArgumentNullException.ThrowIfNull(get);
        ArgumentNullException.ThrowIfNull(set);
        ArgumentNullException.ThrowIfNull(isValid);
        AddSetting(new ColumnCryptoSetting<TOptions, T>(path, requirement, fix, isSecret, parse, get, set, isValid));
        return this;
    }

    private static bool TryParseInt32(string? text, out int value) =>
        int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    private static bool TryParseInt64(string? text, out long value) =>
        long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

    // YAML 1.2 core schema booleans only: 'yes'/'on' are YAML 1.1 and too easy to write by accident.
    private static bool TryParseBoolean(string? text, out bool value)
    {
        switch (text)
        {
            case "true" or "True" or "TRUE":
                value = true;
                return true;
            case "false" or "False" or "FALSE":
                value = false;
                return true;
            default:
                value = false;
                return false;
        }
    }

    private static bool TryParseOptionalText(string? text, out string? value)
    {
        value = text;
        return true;
    }

    private static bool TryParseRequiredText(string? text, out string value)
    {
        value = text ?? "";
        return text is not null;
    }

    private static bool TryParseSecret(string? text, out SecretValue? value)
    {
        value = text is null ? null : new SecretValue(text);
        return true;
    }
}
