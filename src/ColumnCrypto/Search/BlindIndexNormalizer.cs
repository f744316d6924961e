using System.Text;

namespace ColumnCrypto.Search;

/// <summary>Applies a <see cref="BlindIndexNormalization"/> to a string, and names normalizations as the registry records them.</summary>
internal static class BlindIndexNormalizer
{
    private const BlindIndexNormalization All =
        BlindIndexNormalization.Trim | BlindIndexNormalization.CaseInsensitive | BlindIndexNormalization.Nfc | BlindIndexNormalization.Nfkc;

    /// <summary>Throws when <paramref name="normalization"/> has unknown flags or both Unicode forms.</summary>
    public static void Validate(BlindIndexNormalization normalization)
    {
        if ((normalization & ~All) != 0)
        {
            throw new ArgumentOutOfRangeException(nameof(normalization), normalization, "Unknown blind-index normalization flags.");
        }

        if (normalization.HasFlag(BlindIndexNormalization.Nfc) && normalization.HasFlag(BlindIndexNormalization.Nfkc))
        {
            throw new ArgumentException("A blind-index normalization takes Nfc or Nfkc, not both.", nameof(normalization));
        }
    }

    /// <summary>
    /// The normalized string: the Unicode form first (so trimming and case mapping see composed characters), then
    /// trimming, then case folding, then the form again (case mapping can leave a string unnormalized).
    /// </summary>
    /// <exception cref="ArgumentException">The string has an unpaired surrogate.</exception>
    public static string Apply(string value, BlindIndexNormalization normalization)
    {
        if (normalization == BlindIndexNormalization.Exact)
        {
            return value;
        }

        var form = normalization.HasFlag(BlindIndexNormalization.Nfkc) ? NormalizationForm.FormKC
            : normalization.HasFlag(BlindIndexNormalization.Nfc) ? NormalizationForm.FormC
            : (NormalizationForm?)null;
        var result = form is { } f ? value.Normalize(f) : value;
        if (normalization.HasFlag(BlindIndexNormalization.Trim))
        {
            result = result.Trim();
        }

        if (normalization.HasFlag(BlindIndexNormalization.CaseInsensitive))
        {
            result = result.ToUpperInvariant().ToLowerInvariant();
            if (form is { } again)
            {
                result = result.Normalize(again);
            }
        }

        return result;
    }

    /// <summary>The name the registry records, for example <c>Exact</c> or <c>Trim, CaseInsensitive</c>.</summary>
    public static string Name(BlindIndexNormalization normalization) => normalization.ToString();

    /// <summary>Reads a recorded name back; null when it is not one.</summary>
    public static BlindIndexNormalization? Parse(string name) =>
        Enum.TryParse<BlindIndexNormalization>(name, ignoreCase: false, out var parsed) && (parsed & ~All) == 0 ? parsed : null;
}
