using System.Globalization;

namespace BertNotebooks.Hosting;

/// <summary>
/// Text from a command line turned into the type that will hold it (int, double, bool, string, their nullable forms),
/// with the type named in words for error messages. Shared by <c>bertnb</c>'s options and <c>bertnb-run</c>'s <c>-p</c>.
/// </summary>
public static class TypedValue
{
    /// <summary>
    /// Parses <paramref name="text"/> as <paramref name="type"/> (invariant culture); false when it does not read as one.
    /// </summary>
    public static bool TryParse(Type type, string text, out object? value)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        if (underlying is not null && (text.Length == 0 || text is "null" or "none"))
        {
            value = null;
            return true;
        }
        type = underlying ?? type;
        value = null;
        if (type == typeof(string)) value = text;
        else if (type == typeof(int)
            && int.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var i)) value = i;
        else if (type == typeof(long)
            && long.TryParse(text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var l)) value = l;
        else if (type == typeof(double) && double.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var d)
            && double.IsFinite(d)) value = d;
        else if (type == typeof(float) && float.TryParse(text, NumberStyles.Float, CultureInfo.InvariantCulture, out var f)
            && float.IsFinite(f)) value = f;
        else if (type == typeof(bool) && bool.TryParse(text, out var b)) value = b;
        return value is not null;
    }

    /// <summary>"a whole number (int)", "a number (double)", …: what a value must look like, for messages.</summary>
    public static string Describe(Type type)
    {
        var underlying = Nullable.GetUnderlyingType(type);
        var words = (underlying ?? type) switch
        {
            var t when t == typeof(int) => "a whole number (int)",
            var t when t == typeof(long) => "a whole number (long)",
            var t when t == typeof(double) => "a number (double)",
            var t when t == typeof(float) => "a number (float)",
            var t when t == typeof(bool) => "true or false (bool)",
            _ => "text (string)",
        };
        return underlying is null ? words : $"{words} or null";
    }

    /// <summary>The C# keyword for the types above, e.g. <c>double</c> or <c>int?</c>; null for any other type.</summary>
    public static Type? FromKeyword(string keyword)
    {
        var nullable = keyword.EndsWith('?');
        Type? type = keyword.TrimEnd('?') switch
        {
            "int" or "Int32" => typeof(int),
            "long" or "Int64" => typeof(long),
            "double" or "Double" => typeof(double),
            "float" or "Single" => typeof(float),
            "bool" or "Boolean" => typeof(bool),
            "string" or "String" => typeof(string),
            _ => null,
        };
        return nullable && type is { IsValueType: true } ? typeof(Nullable<>).MakeGenericType(type) : type;
    }
}
