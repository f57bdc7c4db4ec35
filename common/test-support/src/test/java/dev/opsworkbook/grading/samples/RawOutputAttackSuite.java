package dev.opsworkbook.grading.samples;

class RawOutputAttackSuite extends AttackSuite {
    @Override
    void attack() throws Exception {
        Forgery.imitateFrameworkOutput();
    }
}
