// Every written file equals its golden byte for byte, and nothing else was written.
def compare(File actualDir, File expectedDir) {
  def actual = (actualDir.list() ?: []).toList().sort()
  def expected = expectedDir.list().toList().sort()
  assert actual == expected
  expected.each { name ->
    byte[] want = new File(expectedDir, name).bytes
    byte[] got = new File(actualDir, name).bytes
    assert got == want : "${name} differs from its golden"
  }
}
compare(new File(basedir, 'src/main/resources/db/migration'), new File(basedir, 'expected/flyway'))
compare(new File(basedir, 'target/plain-sql'), new File(basedir, 'expected/plain'))

def log = new File(basedir, 'build.log').text
assert log.contains("No database configured (procrastinate.url, or a Spring Boot application's spring.datasource.url): writing the SQL without checking")
assert log.contains('Unchanged ')
return true
