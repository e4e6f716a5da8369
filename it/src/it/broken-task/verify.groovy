def log = new File(basedir, 'build.log').text
assert log.contains('[TaskParameterNotJson]')
assert log.contains('Uploads.java')
assert log.contains('parameter content of @Task method com.example.Uploads.store')
assert !new File(basedir, 'target/classes/com/example/Uploads.class').exists()
return true
