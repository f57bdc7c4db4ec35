package dev.opsworkbook.compress;

import java.util.List;

/**
 * The result of one {@code compress} call: one {@link FileResult} per input, <strong>in the order of the
 * inputs</strong>. Given: do not change this type.
 */
public record Report(List<FileResult> files) {

    public Report {
        files = List.copyOf(files);
    }

    /** Whether every file is {@link FileResult.Status#OK} or {@link FileResult.Status#SKIPPED}. */
    public boolean allOk() {
        return files.stream().noneMatch(f -> f.status() == FileResult.Status.FAILED);
    }

    public long count(FileResult.Status status) {
        return files.stream().filter(f -> f.status() == status).count();
    }

    public long inputBytes() {
        return files.stream().mapToLong(FileResult::inputBytes).sum();
    }

    public long outputBytes() {
        return files.stream().mapToLong(FileResult::outputBytes).sum();
    }
}
