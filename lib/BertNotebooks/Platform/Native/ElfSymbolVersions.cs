using System.Buffers.Binary;
using System.Text;

namespace BertNotebooks.Native;

/// <summary>One version a shared object needs from a library it links against (an ELF <c>Vernaux</c> entry).</summary>
public sealed record NeededVersion(string Library, string Version, bool IsWeak, int Index, long FlagsOffset);

/// <summary>
/// Reads the symbol-versioning tables of a 64-bit little-endian ELF shared object: the versions it needs
/// (<c>.gnu.version_r</c>), the versions it defines (<c>.gnu.version_d</c>), and which dynamic symbols use which version.
/// Just enough ELF to fix TorchSharp's native library on older glibc systems; nothing here executes the file.
/// </summary>
public sealed class ElfSymbolVersions
{
    const uint ShtDynsym = 11, ShtGnuVerdef = 0x6ffffffd, ShtGnuVerneed = 0x6ffffffe, ShtGnuVersym = 0x6fffffff;
    const ushort VerFlagWeak = 0x2;

    readonly byte[] _image;
    readonly List<Section> _sections;

    public IReadOnlyList<NeededVersion> Needed { get; }
    public IReadOnlyList<string> Defined { get; }

    ElfSymbolVersions(byte[] image, string path)
    {
        _image = image;
        if (image.Length < 64 || image[0] != 0x7f || image[1] != 'E' || image[2] != 'L' || image[3] != 'F')
            throw new InvalidDataException($"'{path}' is not an ELF file.");
        if (image[4] != 2 || image[5] != 1)
            throw new InvalidDataException($"'{path}' is not a 64-bit little-endian ELF file.");
        _sections = ReadSections();
        Needed = ReadNeeded();
        Defined = ReadDefined();
    }

    public static ElfSymbolVersions Read(string path) => new(File.ReadAllBytes(path), path);

    /// <summary>Names of the dynamic symbols that are bound to the needed version with this index.</summary>
    public IReadOnlyList<string> SymbolsUsing(int versionIndex)
    {
        var dynsym = _sections.FirstOrDefault(s => s.Type == ShtDynsym);
        var versym = _sections.FirstOrDefault(s => s.Type == ShtGnuVersym);
        if (dynsym is null || versym is null) return [];
        var strings = _sections[(int)dynsym.Link];
        var names = new List<string>();
        long count = dynsym.Size / 24;
        for (long i = 0; i < count; i++)
        {
            int version = U16(versym.Offset + i * 2) & 0x7fff;
            if (version != versionIndex) continue;
            names.Add(String(strings, U32(dynsym.Offset + i * 24)));
        }
        return names;
    }

    /// <summary>The same image with the given needed versions marked weak, so the dynamic loader only warns if they are absent.</summary>
    public byte[] WithWeakVersions(IEnumerable<NeededVersion> versions)
    {
        var patched = (byte[])_image.Clone();
        foreach (var v in versions)
        {
            var flags = BinaryPrimitives.ReadUInt16LittleEndian(patched.AsSpan((int)v.FlagsOffset));
            BinaryPrimitives.WriteUInt16LittleEndian(patched.AsSpan((int)v.FlagsOffset), (ushort)(flags | VerFlagWeak));
        }
        return patched;
    }

    sealed record Section(uint Type, long Offset, long Size, uint Link, uint Info);

    List<Section> ReadSections()
    {
        long shoff = (long)U64(0x28);
        int shentsize = U16(0x3a), shnum = U16(0x3c);
        var sections = new List<Section>(shnum);
        for (int i = 0; i < shnum; i++)
        {
            long at = shoff + (long)i * shentsize;
            sections.Add(new Section(U32(at + 4), (long)U64(at + 24), (long)U64(at + 32), U32(at + 40), U32(at + 44)));
        }
        return sections;
    }

    List<NeededVersion> ReadNeeded()
    {
        var result = new List<NeededVersion>();
        foreach (var section in _sections.Where(s => s.Type == ShtGnuVerneed))
        {
            var strings = _sections[(int)section.Link];
            long entry = section.Offset;
            for (uint n = 0; n < section.Info; n++)
            {
                string file = String(strings, U32(entry + 4));
                int auxCount = U16(entry + 2);
                long aux = entry + U32(entry + 8);
                for (int a = 0; a < auxCount; a++)
                {
                    ushort flags = U16(aux + 4);
                    result.Add(new NeededVersion(file, String(strings, U32(aux + 8)), (flags & VerFlagWeak) != 0, U16(aux + 6), aux + 4));
                    aux += U32(aux + 12);
                }
                entry += U32(entry + 12);
            }
        }
        return result;
    }

    List<string> ReadDefined()
    {
        var result = new List<string>();
        foreach (var section in _sections.Where(s => s.Type == ShtGnuVerdef))
        {
            var strings = _sections[(int)section.Link];
            long entry = section.Offset;
            for (uint n = 0; n < section.Info; n++)
            {
                long aux = entry + U32(entry + 12);
                result.Add(String(strings, U32(aux)));
                entry += U32(entry + 16);
            }
        }
        return result;
    }

    string String(Section table, uint offset)
    {
        int start = checked((int)(table.Offset + offset));
        int end = Array.IndexOf(_image, (byte)0, start);
        return Encoding.ASCII.GetString(_image, start, end - start);
    }

    ushort U16(long at) => BinaryPrimitives.ReadUInt16LittleEndian(_image.AsSpan(checked((int)at)));
    uint U32(long at) => BinaryPrimitives.ReadUInt32LittleEndian(_image.AsSpan(checked((int)at)));
    ulong U64(long at) => BinaryPrimitives.ReadUInt64LittleEndian(_image.AsSpan(checked((int)at)));
}
