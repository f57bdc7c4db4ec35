package dev.opsworkbook.grading.samples;

class DeletesResultsAttackSuite extends AttackSuite {
    @Override
    void attack() throws Exception {
        Forgery.deleteResultsAtExit();
    }
}
