package dev.opsworkbook.grading.samples;

class AnotherGraderAttackSuite extends AttackSuite {
    @Override
    void attack() throws Exception {
        Forgery.runAnotherGrader();
    }
}
