using System.Diagnostics;
using System.Globalization;

namespace BertNotebooks.IO;

/// <summary>
/// One process at a time in a run folder: <c>run.lock</c> holds the owner's process id while it trains. A second process
/// is refused with the holder named; a lock left by a process that no longer runs (killed, crashed) is taken over.
/// Taking it again in the process that holds it is allowed (the CLI holds it for the whole run, training takes it too).
/// </summary>
public sealed class RunFolderLock : IDisposable
{
    public const string FileName = "run.lock";

    readonly string? _path; // null: this process already held the lock, so disposing this handle keeps it

    RunFolderLock(string? path) => _path = path;

    /// <summary>Takes the lock of <paramref name="runDir"/>; <paramref name="log"/> hears when a stale lock is taken over.</summary>
    public static RunFolderLock Acquire(string runDir, IProgress<string>? log = null)
    {
        try
        {
            Directory.CreateDirectory(runDir);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new IOException($"Cannot create the run folder {runDir} ({e.Message}). Choose a folder you can write to: " +
                "a run name (bertnb train --run-name NAME_OR_PATH, bertnb-run -p runName=...) or BERTNB_DATA_DIR for all of data/.", e);
        }
        var path = Path.Combine(runDir, FileName);
        var me = Environment.ProcessId;
        while (true)
        {
            try
            {
                using (var file = new FileStream(path, FileMode.CreateNew, FileAccess.Write, FileShare.Read))
                using (var writer = new StreamWriter(file))
                    writer.Write(me.ToString(CultureInfo.InvariantCulture));
                return new RunFolderLock(path);
            }
            catch (IOException) when (File.Exists(path))
            {
                var holder = ReadHolder(path);
                if (holder == me) return new RunFolderLock(null);
                if (holder is { } pid && IsRunning(pid))
                    throw new IOException($"The run folder {runDir} is in use by process {pid} (see {path}). Wait for it to finish, " +
                        $"stop it, or use another run name (bertnb train --run-name NAME, bertnb-run -p runName=NAME).");
                log?.Report($"taking over {path}, left by process {holder?.ToString(CultureInfo.InvariantCulture) ?? "unknown"}, " +
                    "which no longer runs");
                File.Delete(path); // then CreateNew again: if another process takes it first, it wins and we report it
            }
        }
    }

    static int? ReadHolder(string path)
    {
        try
        {
            return int.TryParse(File.ReadAllText(path).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) ? pid : null;
        }
        catch (FileNotFoundException)
        {
            return null;
        }
    }

    static bool IsRunning(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            return !process.HasExited;
        }
        catch (ArgumentException) // no such process
        {
            return false;
        }
    }

    public void Dispose()
    {
        if (_path is not null && ReadHolder(_path) == Environment.ProcessId) File.Delete(_path);
    }
}
