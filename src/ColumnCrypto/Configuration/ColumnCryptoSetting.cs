using System.Globalization;

namespace ColumnCrypto.Configuration;

/// <summary>Parses a setting's text (null for YAML's null); false when the text is not of the setting's type.</summary>
internal delegate bool SettingTextParser<T>(string? text, out T value);

/// <summary>
/// One leaf setting: its dotted YAML path, how its text is parsed, where the value goes in
/// <see cref="ColumnCryptoOptions"/>, and the rule its value must meet. Type errors and rule violations share one
/// message: "<c>{path} must be {requirement}, but is {value}. {fix}</c>".
/// </summary>
internal abstract class ColumnCryptoSetting
{
    // Long values are cut in messages; the start is enough to recognise them.
    private const int MaxShownLength = 80;

    protected ColumnCryptoSetting(string path, string requirement, string fix, bool isSecret)
    {
        Path = path;
        Requirement = requirement;
        Fix = fix;
        IsSecret = isSecret;
    }

    /// <summary>The dotted path, for example <c>schedule.dataKeyRollOverLength</c>.</summary>
    public string Path { get; }

    /// <summary>What the value must be, completing "must be ...", for example "a positive whole number of days".</summary>
    public string Requirement { get; }

    /// <summary>How to fix a wrong value, as a sentence.</summary>
    public string Fix { get; }

    /// <summary>True when the value must never appear in a message.</summary>
    public bool IsSecret { get; }

    /// <summary>Parses <paramref name="text"/> and stores it in <paramref name="options"/>; false when it has the wrong type.</summary>
    public abstract bool TryAssign(ColumnCryptoOptions options, string? text);

    /// <summary>Checks this setting's value in <paramref name="options"/>, however it was set; null when it is fine.</summary>
    public abstract ConfigurationProblem? Check(ColumnCryptoOptions options);

    /// <summary>The message for a wrong value, shown as <paramref name="shownValue"/> (already quoted or redacted).</summary>
    public ConfigurationProblem Problem(string shownValue) =>
        new(Path, $"{Path} must be {Requirement}, but is {shownValue}. {Fix}");

    /// <summary>How a value is quoted in a message: secrets are always <c>[redacted]</c>.</summary>
    public string Show(string? text)
    {
        if (IsSecret)
        {
            return SecretValue.Redacted;
        }

        if (text is null)
        {
            return "empty";
        }

        return text.Length <= MaxShownLength ? $"'{text}'" : $"'{text[..MaxShownLength]}...'";
    }

    /// <summary>A whole-number setting (int).</summary>
    public static ColumnCryptoSetting Int32(string path, string requirement, string fix,
        Func<ColumnCryptoOptions, int> get, Action<ColumnCryptoOptions, int> set, Func<int, bool> isValid) =>
        new ColumnCryptoSetting<int>(path, requirement, fix, false, TryParseInt32, get, set, isValid);

    /// <summary>A whole-number setting (long).</summary>
    public static ColumnCryptoSetting Int64(string path, string requirement, string fix,
        Func<ColumnCryptoOptions, long> get, Action<ColumnCryptoOptions, long> set, Func<long, bool> isValid) =>
        new ColumnCryptoSetting<long>(path, requirement, fix, false, TryParseInt64, get, set, isValid);

    /// <summary>A <c>true</c>/<c>false</c> setting.</summary>
    public static ColumnCryptoSetting Boolean(string path, string fix,
        Func<ColumnCryptoOptions, bool> get, Action<ColumnCryptoOptions, bool> set) =>
        new ColumnCryptoSetting<bool>(path, "true or false", fix, false, TryParseBoolean, get, set, static _ => true);

    /// <summary>An optional text setting: YAML's null leaves it unset (null).</summary>
    public static ColumnCryptoSetting Text(string path, string requirement, string fix,
        Func<ColumnCryptoOptions, string?> get, Action<ColumnCryptoOptions, string?> set, Func<string?, bool>? isValid = null) =>
        new ColumnCryptoSetting<string?>(path, requirement, fix, false, TryParseOptionalText, get, set, isValid ?? (static _ => true));

    /// <summary>A required text setting: YAML's null is a type error, so the option never becomes null.</summary>
    public static ColumnCryptoSetting RequiredText(string path, string requirement, string fix,
        Func<ColumnCryptoOptions, string> get, Action<ColumnCryptoOptions, string> set, Func<string, bool> isValid) =>
        new ColumnCryptoSetting<string>(path, requirement, fix, false, TryParseRequiredText, get, set, isValid);

    /// <summary>A secret text setting, stored as a <see cref="SecretValue"/> and never shown.</summary>
    public static ColumnCryptoSetting Secret(string path, string requirement, string fix,
        Func<ColumnCryptoOptions, SecretValue?> get, Action<ColumnCryptoOptions, SecretValue?> set) =>
        new ColumnCryptoSetting<SecretValue?>(path, requirement, fix, true, TryParseSecret, get, set, static _ => true);

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

/// <summary>A <see cref="ColumnCryptoSetting"/> whose value has type <typeparamref name="T"/>.</summary>
internal sealed class ColumnCryptoSetting<T> : ColumnCryptoSetting
{
    private readonly SettingTextParser<T> _parse;
    private readonly Func<ColumnCryptoOptions, T> _get;
    private readonly Action<ColumnCryptoOptions, T> _set;
    private readonly Func<T, bool> _isValid;

    public ColumnCryptoSetting(string path, string requirement, string fix, bool isSecret, SettingTextParser<T> parse,
        Func<ColumnCryptoOptions, T> get, Action<ColumnCryptoOptions, T> set, Func<T, bool> isValid)
        : base(path, requirement, fix, isSecret)
    {
        _parse = parse;
        _get = get;
        _set = set;
        _isValid = isValid;
    }

    /// <inheritdoc />
    public override bool TryAssign(ColumnCryptoOptions options, string? text)
    {
        if (!_parse(text, out var value))
        {
            return false;
        }

        _set(options, value);
        return true;
    }

    /// <inheritdoc />
    public override ConfigurationProblem? Check(ColumnCryptoOptions options)
    {
        var value = _get(options);
        return _isValid(value) ? null : Problem(Show(Format(value)));
    }

    private static string? Format(T value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
