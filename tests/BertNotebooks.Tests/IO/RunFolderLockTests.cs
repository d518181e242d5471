using BertNotebooks.IO;

namespace BertNotebooks.Tests.IO;

public sealed class RunFolderLockTests : IDisposable
{
    readonly TempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    string LockFile => _temp.File(RunFolderLock.FileName);

    [Fact]
    public void A_folder_held_by_another_running_process_is_refused_with_its_id()
    {
        using var other = new LiveProcess();
        File.WriteAllText(LockFile, other.Id.ToString());

        var e = Assert.Throws<IOException>(() => RunFolderLock.Acquire(_temp.Path));

        Assert.Contains($"is in use by process {other.Id}", e.Message);
        Assert.Contains("--run-name", e.Message);
        Assert.Equal(other.Id.ToString(), File.ReadAllText(LockFile)); // left to its holder
    }

    [Fact]
    public void A_lock_left_by_a_process_that_has_ended_is_taken_over_and_said_so()
    {
        var dead = LiveProcess.Ended();
        File.WriteAllText(LockFile, dead.ToString());
        var log = new LineLog();

        using (RunFolderLock.Acquire(_temp.Path, log))
        {
            Assert.Equal(Environment.ProcessId.ToString(), File.ReadAllText(LockFile));
            Assert.Contains($"left by process {dead}, which no longer runs", Assert.Single(log.Lines));
        }
        Assert.False(File.Exists(LockFile));
    }

    [Fact]
    public void The_holder_may_take_it_again_and_keeps_it_until_its_own_release()
    {
        using (RunFolderLock.Acquire(_temp.Path))
        {
            using (RunFolderLock.Acquire(_temp.Path)) { }
            Assert.True(File.Exists(LockFile));
        }
        Assert.False(File.Exists(LockFile));
    }
}
