using System.Globalization;

namespace ColumnCrypto.Configuration;

/// <summary>Parses a setting's text (null for "no value"); false when the text is not of the setting's type.</summary>
internal delegate bool SettingTextParser<T>(string? text, out T value);

/// <summary>
/// One leaf setting of a <see cref="ColumnCryptoSettings"/> table: its path (relative to the table's section), how its
/// text is parsed, where the value goes in the table's options object, and the rule its value must meet. Type errors
/// and rule violations share one message: "<c>{name} must be {requirement}, but is {value}. {fix}</c>".
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

    /// <summary>The dotted path relative to the table's section, for example <c>schedule.dataKeyRollOverLength</c>.</summary>
    public string Path { get; }

    /// <summary>What the value must be, completing "must be ...", for example "a positive whole number of days".</summary>
    public string Requirement { get; }

    /// <summary>How to fix a wrong value, as a sentence.</summary>
    public string Fix { get; }

    /// <summary>True when the value must never appear in a message.</summary>
    public bool IsSecret { get; }

    /// <summary>Parses <paramref name="text"/> and stores it in <paramref name="target"/>; false when it has the wrong type.</summary>
    public abstract bool TryAssign(object target, string? text);

    /// <summary>
    /// Checks this setting's value in <paramref name="target"/>, however it was set. Returns true when it is fine;
    /// otherwise <paramref name="shownValue"/> is the value as a message may show it.
    /// </summary>
    public abstract bool Check(object target, out string shownValue);

    /// <summary>The message for a wrong value of the setting named <paramref name="name"/>, shown as <paramref name="shownValue"/>.</summary>
    public string Problem(string name, string shownValue) => $"{name} must be {Requirement}, but is {shownValue}. {Fix}";

    /// <summary>
    /// Whether the value in <paramref name="target"/> is a documentation placeholder left in place, such as
    /// <c>&lt;your aws region&gt;</c>: a text in angle brackets, which no key id, region, credential or path is.
    /// </summary>
    public abstract bool IsPlaceholder(object target);

    /// <summary>The message for a placeholder left in the setting named <paramref name="name"/>, shown as <paramref name="shownValue"/>.</summary>
    public string PlaceholderProblem(string name, string shownValue) =>
        $"{name} is still the documentation's placeholder {(IsSecret ? $"({shownValue})" : shownValue)}: replace it with {Requirement}. {Fix}";

    /// <summary>Whether <paramref name="text"/> has the documentation's placeholder form <c>&lt;...&gt;</c>.</summary>
    protected static bool LooksLikePlaceholder(string? text)
    {
        var trimmed = text?.Trim();
        return trimmed is { Length: > 2 } && trimmed[0] == '<' && trimmed[^1] == '>' && trimmed[1..^1].IndexOfAny(['<', '>']) < 0;
    }

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
}

/// <summary>A <see cref="ColumnCryptoSetting"/> of <typeparamref name="TOptions"/> whose value has type <typeparamref name="T"/>.</summary>
internal sealed class ColumnCryptoSetting<TOptions, T> : ColumnCryptoSetting
    where TOptions : class
{
    private readonly SettingTextParser<T> _parse;
    private readonly Func<TOptions, T> _get;
    private readonly Action<TOptions, T> _set;
    private readonly Func<T, bool> _isValid;

    public ColumnCryptoSetting(string path, string requirement, string fix, bool isSecret, SettingTextParser<T> parse,
        Func<TOptions, T> get, Action<TOptions, T> set, Func<T, bool> isValid)
        : base(path, requirement, fix, isSecret)
    {
        _parse = parse;
        _get = get;
        _set = set;
        _isValid = isValid;
    }

    /// <inheritdoc />
    public override bool TryAssign(object target, string? text)
    {
        if (!_parse(text, out var value))
        {
            return false;
        }

        _set(Cast(target), value);
        return true;
    }

    /// <inheritdoc />
    public override bool Check(object target, out string shownValue)
    {
        var value = _get(Cast(target));
        shownValue = Show(Format(value));
        return _isValid(value);
    }

    /// <inheritdoc />
    public override bool IsPlaceholder(object target) => _get(Cast(target)) switch
    {
        string text => LooksLikePlaceholder(text),
        SecretValue secret => LooksLikePlaceholder(secret.Reveal()),
        _ => false,
    };

    private static TOptions Cast(object target) => target as TOptions ?? throw new InvalidOperationException(
        $"A {typeof(TOptions).Name} setting was applied to a {target.GetType().Name}: the plugin's options object is not of the type its settings are for.");

    private static string? Format(T value) => value switch
    {
        null => null,
        bool b => b ? "true" : "false",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString(),
    };
}
