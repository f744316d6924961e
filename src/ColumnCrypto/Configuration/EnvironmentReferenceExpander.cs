using System.Text;

namespace ColumnCrypto.Configuration;

/// <summary>Why a <c>${NAME}</c> reference could not be expanded.</summary>
internal enum EnvironmentReferenceError
{
    /// <summary>The variable is not set.</summary>
    Missing,

    /// <summary>A <c>${</c> has no closing <c>}</c>.</summary>
    Unterminated,

    /// <summary>The text between <c>${</c> and <c>}</c> is not a variable name.</summary>
    InvalidName,
}

/// <summary>
/// Replaces <c>${NAME}</c> in a scalar with the environment variable NAME; <c>$${</c> stands for a literal <c>${</c>.
/// Expansion is a single pass: a variable's value is never expanded again, so it cannot pull in other variables.
/// </summary>
internal sealed class EnvironmentReferenceExpander(Func<string, string?> getEnvironmentVariable)
{
    /// <summary>
    /// Expands <paramref name="text"/>. On failure returns false with the error and, when one was read, the variable
    /// name (for <see cref="EnvironmentReferenceError.Unterminated"/> there is none).
    /// </summary>
    public bool TryExpand(string text, out string expanded, out EnvironmentReferenceError error, out string? variable)
    {
        expanded = text;
        error = default;
        variable = null;
        if (!text.Contains("${", StringComparison.Ordinal))
        {
            return true;
        }

        var result = new StringBuilder(text.Length);
        var i = 0;
        while (i < text.Length)
        {
            if (string.CompareOrdinal(text, i, "$${", 0, 3) == 0)
            {
                result.Append("${");
                i += 3;
                continue;
            }

            if (string.CompareOrdinal(text, i, "${", 0, 2) != 0)
            {
                result.Append(text[i]);
                i++;
                continue;
            }

            var close = text.IndexOf('}', i + 2);
            if (close < 0)
            {
                error = EnvironmentReferenceError.Unterminated;
                return false;
            }

            variable = text[(i + 2)..close];
            if (!IsVariableName(variable))
            {
                error = EnvironmentReferenceError.InvalidName;
                return false;
            }

            if (getEnvironmentVariable(variable) is not { } value)
            {
                error = EnvironmentReferenceError.Missing;
                return false;
            }

            result.Append(value);
            i = close + 1;
        }

        expanded = result.ToString();
        variable = null;
        return true;
    }

    // The portable shell form; it also keeps a stray "${" in a secret from being echoed as a "name".
    private static bool IsVariableName(string name) =>
        name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(c => char.IsAsciiLetterOrDigit(c) || c == '_');
}
